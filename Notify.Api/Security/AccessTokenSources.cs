using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Notify.Api.Security;

/// <summary>
/// Where a request's token is read from, first found wins: <c>Authorization: Bearer</c>, the <c>access_token</c> query
/// parameter (<c>EventSource</c> cannot send headers), then the token cookie. The cookie counts only on requests from
/// this node's own pages, from origins listed by name, or with no <c>Origin</c> (not a browser's cross-origin request):
/// a browser sends the cookie with any page's simple POST, so under <c>AllowedOrigins: *</c> every site could
/// otherwise publish as its visitor.
/// </summary>
public static class AccessTokenSources
{
    /// <summary>The query parameter a token may come in.</summary>
    public const string QueryParameter = "access_token";

    /// <summary>Sets <see cref="MessageReceivedContext.Token"/> from the query or the cookie when no header carries one.</summary>
    public static Task ReadAsync(MessageReceivedContext context, string cookieName)
    {
        var request = context.Request;
        if (request.Headers.Authorization.Count > 0)
        {
            return Task.CompletedTask; // the handler reads the header itself
        }

        if (request.Query.TryGetValue(QueryParameter, out var query) && !string.IsNullOrEmpty(query))
        {
            context.Token = query;
        }
        else if (request.Cookies.TryGetValue(cookieName, out var cookie) && !string.IsNullOrEmpty(cookie) && MaySendCookie(request))
        {
            context.Token = cookie;
        }

        return Task.CompletedTask;
    }

    private static bool MaySendCookie(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        return string.IsNullOrEmpty(origin) || CrossOriginExtensions.IsSameOrigin(request, origin)
            || request.HttpContext.RequestServices.GetRequiredService<IOptions<BrowserOriginsOptions>>().Value.AllowsCredentials(origin);
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Notify.Api.Security;

/// <summary>
/// Where a request's token is read from, first found wins: <c>Authorization: Bearer</c>, the <c>access_token</c> query
/// parameter (<c>EventSource</c> cannot send headers), then the token cookie.
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
        else if (request.Cookies.TryGetValue(cookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            context.Token = cookie;
        }

        return Task.CompletedTask;
    }
}

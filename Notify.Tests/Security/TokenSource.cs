using System.Net.Http.Headers;

namespace Notify.Tests.Security;

/// <summary>The three places a client may put its token.</summary>
public enum TokenSource
{
    Header,
    Cookie,
    Query,
}

/// <summary>Puts a token where a <see cref="TokenSource"/> says.</summary>
public static class TokenSources
{
    /// <summary>The cookie the secured test apps read (the default name).</summary>
    public const string CookieName = "notify_token";

    /// <summary>Adds <paramref name="token"/> to <paramref name="request"/> (for the query, to its URL).</summary>
    public static void Add(this HttpRequestMessage request, TokenSource source, string token)
    {
        switch (source)
        {
            case TokenSource.Header:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
            case TokenSource.Cookie:
                request.Headers.Add("Cookie", $"{CookieName}={token}");
                break;
            case TokenSource.Query:
                var url = request.RequestUri!.OriginalString;
                request.RequestUri = new Uri(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token), UriKind.RelativeOrAbsolute);
                break;
        }
    }
}

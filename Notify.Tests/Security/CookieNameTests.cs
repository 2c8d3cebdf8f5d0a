using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>The cookie a token is read from is named by <c>Notify:Auth:CookieName</c>: an app's own session cookie, say.</summary>
public sealed class CookieNameTests(CookieNameTests.App app) : IClassFixture<CookieNameTests.App>, IDisposable
{
    private const string CookieName = "app_session_jwt";
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : SecuredNotifyApp(new Dictionary<string, string?> { ["Notify:Auth:CookieName"] = CookieName });

    [Fact]
    public async Task TheConfiguredCookie_CarriesTheToken_AndTheDefaultNameIsNotRead()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("page", publish: ["orders.*"], subscribe: ["orders.*"]);

        await using (var stream = await SseTestClient.ConnectAsync(_http, topic, configure: request => request.Headers.Add("Cookie", $"other=1; {CookieName}={token}")))
        {
            using var publish = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("by cookie") };
            publish.Headers.Add("Cookie", $"{CookieName}={token}");
            using var published = await _http.SendAsync(publish);
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
            Assert.Equal("by cookie", (await stream.NextAsync()).Data);
        }

        using var defaultName = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("x") };
        defaultName.Headers.Add("Cookie", $"{TokenSources.CookieName}={token}");
        await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(defaultName), HttpStatusCode.Unauthorized, error: null);

        using var expired = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("x") };
        expired.Headers.Add("Cookie", $"{CookieName}={TestTokens.Expired()}");
        await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(expired), HttpStatusCode.Unauthorized, "invalid_token");
    }
}

using System.Net;
using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// <c>Notify:Cors:AllowedOrigins: *</c>: any site's pages may publish and subscribe, but never with the visitor's
/// cookie: a browser sends it with any page's simple POST, so the cookie counts only for origins listed by name.
/// </summary>
public sealed class AnyOriginTests(AnyOriginTests.App app) : IClassFixture<AnyOriginTests.App>, IDisposable
{
    private const string Elsewhere = "https://elsewhere.example";
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : SecuredNotifyApp(new Dictionary<string, string?> { ["Notify:Cors:AllowedOrigins:0"] = "*" });

    [Fact]
    public async Task AnyOrigin_SubscribesWithoutCredentials()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        await using var stream = await SseTestClient.ConnectAsync(_http, topic, configure: request => request.Headers.Add("Origin", Elsewhere));
        Assert.Equal("*", Assert.Single(stream.Response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(stream.Response.Headers.Contains("Access-Control-Allow-Credentials"));
        var id = await _http.PublishAsync(topic, "to anyone");
        Assert.Equal(id, (await stream.NextAsync()).EventId);
    }

    [Fact]
    public async Task ACookieSentFromAnotherSitesPage_IsNotAToken_AndItsPublishStoresNothing()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var visitors = TestTokens.For("visitor", publish: ["orders.*"], subscribe: ["orders.*"]);

        using (var forged = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("forged") })
        {
            forged.Headers.Add("Origin", Elsewhere);
            forged.Add(TokenSource.Cookie, visitors);
            await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(forged), HttpStatusCode.Unauthorized, error: null);
        }

        using (var header = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("by header") })
        {
            header.Headers.Add("Origin", Elsewhere);
            header.Add(TokenSource.Header, visitors); // a page must hold the token to send it: not a forgery
            Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(header)).StatusCode);
        }

        using (var noOrigin = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("no browser") })
        {
            noOrigin.Add(TokenSource.Cookie, visitors);
            Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(noOrigin)).StatusCode);
        }

        using var read = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/events");
        read.Add(TokenSource.Header, visitors);
        var stored = await (await _http.SendAsync(read)).Content.ReadFromJsonAsync<BufferedEventsPage>();
        Assert.Equal(["by header", "no browser"], stored!.Events.Select(e => e.Data));
    }
}

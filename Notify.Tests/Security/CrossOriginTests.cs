using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Browser pages on other origins: the allowed ones get CORS with credentials (an <c>EventSource</c> with
/// <c>withCredentials</c> sends the token cookie); any other origin is refused, so no page can act with a visitor's cookie.
/// </summary>
public sealed class CrossOriginTests(CrossOriginTests.App app) : IClassFixture<CrossOriginTests.App>, IDisposable
{
    private const string Allowed = "https://app.example.test";
    private const string Other = "https://evil.example.test";
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : SecuredNotifyApp(new Dictionary<string, string?> { ["Notify:Cors:AllowedOrigins:0"] = Allowed });

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_AllowsCredentialsTheHeadersAndTheMethods()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "topics/orders.1");
        request.Headers.Add("Origin", Allowed);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        var headers = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", headers, StringComparison.Ordinal);
        Assert.Contains("idempotency-key", headers, StringComparison.Ordinal);
        Assert.Contains("POST", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamWithTheCookie_FromAnAllowedOrigin_IsServedWithCredentials()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("page", subscribe: ["orders.*"]);
        await using var stream = await SseTestClient.ConnectAsync(_http, topic, configure: request =>
        {
            request.Headers.Add("Origin", Allowed);
            request.Add(TokenSource.Cookie, token);
        });

        Assert.Equal(Allowed, Assert.Single(stream.Response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(stream.Response.Headers.GetValues("Access-Control-Allow-Credentials")));
        var id = await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, TestTokens.For("shop", publish: ["orders.*"]), "x");
        Assert.Equal(id, (await stream.NextAsync()).EventId);
    }

    [Fact]
    public async Task AnyOtherOrigin_IsRefused_AndItsPublishStoresNothing()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var cookie = TestTokens.For("visitor", publish: ["orders.*"], subscribe: ["orders.*"]);

        // A cross-site form post carries the visitor's cookie: refused before anything is stored.
        using var post = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("forged") };
        post.Headers.Add("Origin", Other);
        post.Add(TokenSource.Cookie, cookie);
        using var posted = await _http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Equal("application/problem+json", posted.Content.Headers.ContentType?.MediaType);

        using var get = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        get.Headers.Add("Origin", Other);
        get.Add(TokenSource.Cookie, cookie);
        using var got = await _http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, got.StatusCode);
        Assert.False(got.Headers.Contains("Access-Control-Allow-Origin"));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"topics/{topic}");
        preflight.Headers.Add("Origin", Other);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answered = await _http.SendAsync(preflight);
        Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));

        using var read = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/events");
        read.Add(TokenSource.Header, cookie);
        using var events = await _http.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Contains("\"events\":[]", await events.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNodesOwnOrigin_NeedsNoCors()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        using var post = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("same origin") };
        post.Headers.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        using var posted = await _http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }
}

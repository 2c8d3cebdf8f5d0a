using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>A node with no key runs open, and says so at start-up, loudly.</summary>
public sealed class OpenNodeTests(OpenNodeTests.App app) : IClassFixture<OpenNodeTests.App>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    /// <summary>The default app (no Notify:Auth).</summary>
    public sealed class App : NotifyApp;

    [Fact]
    public async Task WithoutAKey_AnyonePublishesAndSubscribes_AndStartUpWarnsThatTheNodeIsOpen()
    {
        var warning = Assert.Single(app.Logs.Entries, entry => entry.Message.StartsWith("NO AUTHENTICATION", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("anyone who can reach this node may publish to and subscribe to every topic", warning.Message, StringComparison.Ordinal);

        var topic = "orders." + Guid.NewGuid().ToString("N");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);
        var id = await _http.PublishAsync(topic, "open");
        Assert.Equal(id, (await subscriber.NextAsync()).EventId);

        // A token is not even read: an expired one changes nothing.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("x") };
        request.Add(TokenSource.Header, TestTokens.Expired());
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

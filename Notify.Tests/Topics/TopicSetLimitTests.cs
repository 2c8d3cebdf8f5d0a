using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>How many topics one stream may follow is a setting (<c>Notify:Sse:MaxTopicsPerStream</c>).</summary>
public sealed class TopicSetLimitTests(TopicSetLimitTests.App app) : IClassFixture<TopicSetLimitTests.App>, IDisposable
{
    private const int Limit = 3;
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Sse:MaxTopicsPerStream"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task TheConfiguredLimit_IsAccepted_AndOneMoreIs400()
    {
        var topics = TopicSetStreamTests.NewTopics("limited", Limit + 1);
        await using (var stream = await SseTestClient.ConnectAsync(_http, "", query: Query(topics.Take(Limit))))
        {
            await _http.PublishAsync(topics[Limit - 1], "delivered");
            var received = await stream.NextAsync();
            Assert.Equal((topics[Limit - 1], "delivered"), (received.EventType, received.Data));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "topics" + Query(topics));
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"1 to {Limit} topics", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Query(IEnumerable<string> topics) => "?" + string.Join('&', topics.Select(t => "topic=" + t));
}

using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Topic grains per silo are bounded (each holds a buffer): past the limit, a publish, a stream or a read of one more
/// topic gets <c>503</c> + <c>Retry-After</c>, and the topics the silo holds go on working.
/// </summary>
public sealed class TopicGrainLimitTests(TopicGrainLimitTests.App app) : IClassFixture<TopicGrainLimitTests.App>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Topics:MaxActivePerSilo"] = "3",
        ["Notify:Limits:RetryAfterSeconds"] = "4",
    });

    [Fact]
    public async Task PastTheLimit_NewTopicsGet503WithRetryAfter_AndHeldTopicsGoOn()
    {
        var held = Enumerable.Range(0, 3).Select(i => Publisher.NewTopic($"held{i}")).ToList();
        foreach (var topic in held)
        {
            await _http.PublishAsync(topic, "first");
        }

        using (var publish = await _http.PublishRawAsync(Publisher.NewTopic("one-more"), "x"))
        {
            await AssertFullAsync(publish);
        }

        using (var read = await _http.GetAsync($"topics/{Publisher.NewTopic("read")}/events"))
        {
            await AssertFullAsync(read);
        }

        using (var stream = new HttpRequestMessage(HttpMethod.Get, $"topics/{Publisher.NewTopic("stream")}"))
        {
            stream.Headers.Accept.ParseAdd("text/event-stream");
            using var answer = await _http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
            await AssertFullAsync(answer);
        }

        await using var subscriber = await SseTestClient.ConnectAsync(_http, held[0]);
        var id = await _http.PublishAsync(held[0], "still served");
        Assert.Equal(id, (await subscriber.NextAsync()).EventId);

        // A limit reached is an answer, not an error: nothing at Warning or above (Orleans logs a failed activation so).
        Assert.Empty(app.UnexpectedWarnings());
    }

    private static async Task AssertFullAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("holds as many topics", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

[Collection(UsesNotifyApp.Name)]
public sealed class EventsEndpointTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> GetPageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Events_PagesThroughTheBufferAsJson()
    {
        var topic = Publisher.NewTopic("json");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"data {i}", type: i == 0 ? "first" : null));
        }

        var first = await GetPageAsync($"topics/{topic}/events?limit=3");
        Assert.Equal(topic, first.GetProperty("topic").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("reset").ValueKind);
        Assert.Equal(ids.Take(3), first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal("first", first.GetProperty("events")[0].GetProperty("type").GetString());
        Assert.Equal("data 0", first.GetProperty("events")[0].GetProperty("data").GetString());
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.Equal(ids[2], first.GetProperty("next").GetString());
        Assert.Equal(ids[4], first.GetProperty("head").GetString());

        var second = await GetPageAsync($"topics/{topic}/events?after={first.GetProperty("next").GetString()}&limit=3");
        Assert.Equal(ids.Skip(3), second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.False(second.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task Events_WithAnUnusableAfter_ReportTheResetLikeTheStream()
    {
        var topic = Publisher.NewTopic("json-reset");
        var id = await _http.PublishAsync(topic, "only");

        var page = await GetPageAsync($"topics/{topic}/events?after=nonsense");

        var reset = page.GetProperty("reset");
        Assert.Equal("malformed", reset.GetProperty("reason").GetString());
        Assert.Equal("nonsense", reset.GetProperty("lastEventId").GetString());
        Assert.Equal(Publisher.EpochOf(id) + ":0", reset.GetProperty("continuesAfter").GetString());
        Assert.Equal(id, page.GetProperty("events")[0].GetProperty("id").GetString());
    }
}

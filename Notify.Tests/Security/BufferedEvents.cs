using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Notify.Tests.Security;

/// <summary>Reads a topic's stored events back through <c>GET /topics/{topic}/events</c>, every page.</summary>
internal static class BufferedEvents
{
    public sealed record StoredEvent(string Id, string? Type, string Data);

    public static async Task<List<StoredEvent>> ReadAllAsync(HttpClient http, string topic, string? token = null)
    {
        var events = new List<StoredEvent>();
        var after = "";
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/events?limit=1000{after}");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"reading {topic}: {(int)response.StatusCode} {text}");
            using var page = JsonDocument.Parse(text);
            var root = page.RootElement;
            events.AddRange(root.GetProperty("events").EnumerateArray().Select(e => new StoredEvent(
                e.GetProperty("id").GetString()!, e.GetProperty("type").GetString(), e.GetProperty("data").GetString()!)));
            if (!root.GetProperty("hasMore").GetBoolean())
            {
                return events;
            }

            after = "&after=" + Uri.EscapeDataString(root.GetProperty("next").GetString()!);
        }
    }
}

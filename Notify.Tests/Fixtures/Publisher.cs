using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Notify.Tests.Fixtures;

/// <summary>Publishes over HTTP and returns the id the server acknowledged.</summary>
internal static class Publisher
{
    public sealed record Published(string Topic, string Id);

    public static async Task<string> PublishAsync(this HttpClient http, string topic, string data, string? type = null, string? idempotencyKey = null)
    {
        using var response = await http.PublishRawAsync(topic, data, type, idempotencyKey);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var published = await response.Content.ReadFromJsonAsync<Published>();
        Assert.NotNull(published);
        Assert.Equal(topic, published.Topic);
        return published.Id;
    }

    public static Task<HttpResponseMessage> PublishRawAsync(this HttpClient http, string topic, string data, string? type = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, type is null ? $"topics/{topic}" : $"topics/{topic}?type={Uri.EscapeDataString(type)}")
        {
            Content = new StringContent(data, Encoding.UTF8, "text/plain"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return http.SendAsync(request);
    }

    /// <summary>A topic id no other test uses.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The sequence part of an event id (<c>epoch:sequence</c>).</summary>
    public static long SequenceOf(string id) => long.Parse(id[(id.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The epoch part of an event id.</summary>
    public static string EpochOf(string id) => id[..id.IndexOf(':')];
}

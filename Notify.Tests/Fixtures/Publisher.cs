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

    public static Task<HttpResponseMessage> PublishRawAsync(
        this HttpClient http, string topic, string data, string? type = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, type is null ? $"topics/{topic}" : $"topics/{topic}?type={Uri.EscapeDataString(type)}")
        {
            Content = new StringContent(data, Encoding.UTF8, "text/plain"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return http.SendAsync(request, cancellationToken);
    }

    /// <summary>The first page of a topic's buffered events (<c>GET /topics/{topic}/events</c>), with their publish times.</summary>
    public static async Task<List<Notify.Api.Topics.BufferedEvent>> BufferedEventsAsync(this HttpClient http, string topic) =>
        [.. (await http.GetFromJsonAsync<Notify.Api.Topics.BufferedEventsPage>($"topics/{topic}/events"))!.Events];

    /// <summary>A topic id no other test uses.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A new topic id whose grain starts on the silo named <paramref name="owner"/> among <paramref name="silos"/>.</summary>
    public static string NewTopicOwnedBy(string prefix, IReadOnlyList<string> silos, string owner)
    {
        while (true)
        {
            var topic = NewTopic(prefix);
            if (Notify.Grains.Placement.TopicOwners.Pick(topic, silos, static name => name) == owner)
            {
                return topic;
            }
        }
    }

    /// <summary>The sequence part of an event id (<c>epoch:sequence</c>).</summary>
    public static long SequenceOf(string id) => long.Parse(id[(id.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The epoch part of an event id.</summary>
    public static string EpochOf(string id) => id[..id.IndexOf(':')];
}

/// <summary>A publisher that retries, with the same Idempotency-Key, until its event is acknowledged.</summary>
internal static class RetryingPublisher
{
    /// <summary>How long a publisher waits before retrying, as a well-behaved client does.</summary>
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long one attempt may wait for its answer before the publisher gives up on it and retries. Far above what
    /// any answer may take (the tests assert their slowest answer), so a hang shows as this figure, not as a hung test.
    /// </summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Publishes until a 201, with the same key each time. Any answer but 201, 502, 503 or a broken connection fails.
    /// <paramref name="onAnswer"/> is told how long each attempt waited, answered or given up on.
    /// </summary>
    public static async Task<string> PublishUntilAcknowledgedAsync(
        this HttpClient http, string topic, string data, string idempotencyKey, TimeSpan timeout, Action<TimeSpan>? onAnswer = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var attempt = new CancellationTokenSource(AttemptTimeout);
            try
            {
                using var response = await http.PublishRawAsync(topic, data, idempotencyKey: idempotencyKey, cancellationToken: attempt.Token);
                onAnswer?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var published = await response.Content.ReadFromJsonAsync<Publisher.Published>(attempt.Token);
                    return published!.Id;
                }

                Assert.True(
                    response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway,
                    $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(attempt.Token)}");
            }
            catch (HttpRequestException)
            {
                // The silo or the connection died mid-request: the event may or may not be stored; the retry tells.
                onAnswer?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException)
            {
                // Given up on (this attempt's deadline, or the client's own timeout): the retry tells.
                onAnswer?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Publishing {idempotencyKey} was not acknowledged within {timeout}.");
            }

            await Task.Delay(RetryBackoff);
        }
    }
}

using System.Net.ServerSentEvents;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A subscriber that behaves like a browser's EventSource: when its stream ends or fails it reconnects
/// (to whichever silo the load balancer picks) with the last event id it saw as <c>Last-Event-ID</c>.
/// </summary>
public sealed class ResumingSubscriber : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;
    private readonly string _topic;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<SseItem<string>> _received = [];
    private readonly List<long> _receivedAt = [];
    private readonly Task _running;
    private string? _lastEventId;

    /// <param name="http">A client for the load balancer.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="startFrom">The first request's <c>Last-Event-ID</c>; later ones send the last id seen.</param>
    public ResumingSubscriber(HttpClient http, string topic, string? startFrom = ResumeKeywords.Earliest)
    {
        _http = http;
        _topic = topic;
        _lastEventId = startFrom;
        _running = Task.Run(RunAsync);
    }

    public string Topic => _topic;

    /// <summary>How many times a stream was opened (1 + reconnects).</summary>
    public int Connections { get; private set; }

    /// <summary>Answers that were not a 200 event stream (a browser's EventSource stops for good on those).</summary>
    public int Refusals { get; private set; }

    public IReadOnlyList<SseItem<string>> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>What was received, each with when it arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public IReadOnlyList<(SseItem<string> Item, long ReceivedAt)> ReceivedWithTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _received.Zip(_receivedAt)];
            }
        }
    }

    /// <summary>Waits until the events received satisfy <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<SseItem<string>>, bool> condition, string because, TimeSpan timeout) =>
        Eventually.TrueAsync(() => condition(Received), because, timeout);

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{_topic}");
                request.Headers.Accept.ParseAdd("text/event-stream");
                if (_lastEventId is not null)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", _lastEventId);
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                {
                    Refusals++;
                }
                else
                {
                    Connections++;
                    var parser = SseParser.Create(await response.Content.ReadAsStreamAsync(_stop.Token));
                    await foreach (var item in parser.EnumerateAsync(_stop.Token))
                    {
                        lock (_gate)
                        {
                            _received.Add(item);
                            _receivedAt.Add(System.Diagnostics.Stopwatch.GetTimestamp());
                        }

                        _lastEventId = string.IsNullOrEmpty(parser.LastEventId) ? _lastEventId : parser.LastEventId;
                    }
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // The connection failed or broke: reconnect like a browser would.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(ReconnectDelay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}

/// <summary>Resume keywords of the wire contract.</summary>
public static class ResumeKeywords
{
    public const string Earliest = "earliest";
}

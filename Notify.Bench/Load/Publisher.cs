using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Notify.Bench.Load;

/// <summary>
/// Publishes numbered events over HTTP: at a fixed total rate spread over the topics in turn, or as fast
/// as the hub answers, within the delivery window and a limit on requests in flight.
/// </summary>
internal sealed class Publisher : IDisposable
{
    private static readonly MediaTypeHeaderValue TextPlain = new("text/plain");
    private readonly HttpClient _http;
    private readonly IReadOnlyList<TopicLane> _lanes;
    private readonly RunMetrics _metrics;
    private readonly SemaphoreSlim _inFlight;
    private readonly int _size;
    private readonly int _inFlightLimit;
    private long _attempts;

    public Publisher(IReadOnlyList<TopicLane> lanes, RunMetrics metrics, int inFlight, int size)
    {
        _lanes = lanes;
        _metrics = metrics;
        _size = size;
        _inFlight = new SemaphoreSlim(inFlight);
        _inFlightLimit = inFlight;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = inFlight,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Acknowledged => _lanes.Sum(l => l.AcknowledgedCount);

    public long Failed => _lanes.Sum(l => l.Failed);

    /// <summary>Publishes until <paramref name="stopping"/> fires: at <paramref name="rate"/> events per second in total, or as fast as possible when null.</summary>
    public async Task RunAsync(double? rate, CancellationToken stopping)
    {
        // Several publishes of one topic may be in flight: the hub picks their order, TopicOrder records what it owes.
        var perLane = Math.Max(1, _inFlightLimit / _lanes.Count);
        var lanes = _lanes
            .SelectMany(lane => Enumerable.Range(0, perLane).Select(_ => Task.Run(() => RunLaneAsync(lane, scheduled: rate is not null, stopping))))
            .ToList();
        if (rate is { } perSecond)
        {
            lanes.Add(ScheduleAsync(perSecond, stopping));
        }

        await Task.WhenAll(lanes);
    }

    /// <summary>Publishes one event to each topic (used to check idle connections are still alive).</summary>
    public Task PublishOnceToEachAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_lanes.Select(lane => PublishAsync(lane, cancellationToken)));

    private async Task ScheduleAsync(double rate, CancellationToken stopping)
    {
        var start = Stopwatch.GetTimestamp();
        long scheduled = 0;
        while (!stopping.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
            for (; scheduled < due; scheduled++)
            {
                _lanes[(int)(scheduled % _lanes.Count)].Schedule();
            }

            try
            {
                await Task.Delay(1, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunLaneAsync(TopicLane lane, bool scheduled, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (scheduled)
                {
                    await lane.WaitForScheduledAsync(stopping);
                }
                else if (_metrics.Window is { } window)
                {
                    await window.WaitForRoomAsync(stopping);
                }

                await PublishAsync(lane, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(TopicLane lane, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        var sequence = lane.NextToSend();
        _metrics.Window?.Add(lane.Subscribers);
        var acknowledged = false;
        try
        {
            Interlocked.Increment(ref _attempts);
            var sentAt = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(EventPayload.Create(sequence, sentAt, lane.Index, _size));
            content.Headers.ContentType = TextPlain;
            using var response = await _http.PostAsync(lane.Url, content, CancellationToken.None);
            _metrics.Published(Stopwatch.GetTimestamp() - sentAt);
            acknowledged = response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
            // The client's timeout: not acknowledged.
        }
        finally
        {
            _inFlight.Release();
        }

        if (acknowledged)
        {
            lane.Acknowledge(sequence);
        }
        else
        {
            lane.Fail();
            _metrics.Window?.Add(-lane.Subscribers);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }
}

using System.Collections.Concurrent;

namespace Notify.Tests.Client;

/// <summary>
/// What a <see cref="Notify.Client.NotifyClient"/> sends and gets, recorded by a handler in its HttpClient pipeline;
/// the handler can also cut the streams that are open and hold new ones back, as a flaky network would.
/// </summary>
public sealed class WireLog
{
    private readonly ConcurrentQueue<Exchange> _exchanges = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource _cut = new();
    private TaskCompletionSource _streamsAllowed = CompletedGate();
    private int _heldStreams;
    private long _streamBytes;

    /// <summary>One request and how it was answered.</summary>
    /// <param name="At">When the client sent it (before any hold).</param>
    /// <param name="Status">The answer's status; null when the request failed without one.</param>
    public sealed record Exchange(
        DateTime At, HttpMethod Method, string PathAndQuery, bool IsStream, string? LastEventId, string? Authorization, string? IdempotencyKey, int? Status);

    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges];

    /// <summary>Stream requests that were answered 200.</summary>
    public IReadOnlyList<Exchange> OpenedStreams => [.. _exchanges.Where(e => e.IsStream && e.Status == 200)];

    /// <summary>Bytes read from every stream so far, heartbeats included.</summary>
    public long StreamBytes => Interlocked.Read(ref _streamBytes);

    public IReadOnlyList<Exchange> Publishes => [.. _exchanges.Where(e => e.Method == HttpMethod.Post)];

    /// <summary>A handler for one HttpClient pipeline (the factory builds a pipeline per handler lifetime).</summary>
    public DelegatingHandler CreateHandler() => new Recorder(this);

    /// <summary>Breaks every stream open now: its next read fails as a reset connection would.</summary>
    public void CutStreams()
    {
        lock (_gate)
        {
            _cut.Cancel();
            _cut = new CancellationTokenSource();
        }
    }

    /// <summary>New stream requests wait until <see cref="ReleaseStreams"/>.</summary>
    public void HoldStreams()
    {
        lock (_gate)
        {
            _streamsAllowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseStreams()
    {
        lock (_gate)
        {
            _streamsAllowed.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="count"/> streams have been answered 200 (a stream's headers come once it is subscribed).</summary>
    public Task WaitForOpenedStreamsAsync(int count) =>
        Eventually.TrueAsync(() => OpenedStreams.Count >= count, $"{count} streams are open (now {OpenedStreams.Count})");

    /// <summary>Waits until a stream request is being held back.</summary>
    public Task WaitForHeldStreamAsync() =>
        Eventually.TrueAsync(() => Volatile.Read(ref _heldStreams) > 0, "a stream request is held back");

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private sealed class Recorder(WireLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var at = DateTime.UtcNow;
            var isStream = request.Headers.Accept.Any(a => a.MediaType == "text/event-stream");
            if (isStream)
            {
                Task allowed;
                lock (log._gate)
                {
                    allowed = log._streamsAllowed.Task;
                }

                Interlocked.Increment(ref log._heldStreams);
                try
                {
                    await allowed.WaitAsync(cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref log._heldStreams);
                }
            }

            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
                if (isStream && response.IsSuccessStatusCode)
                {
                    CancellationToken cut;
                    lock (log._gate)
                    {
                        cut = log._cut.Token;
                    }

                    response.Content = await CuttableContent.WrapAsync(response.Content, read => Interlocked.Add(ref log._streamBytes, read), cut, cancellationToken);
                }

                return response;
            }
            finally
            {
                log._exchanges.Enqueue(new Exchange(
                    at,
                    request.Method,
                    request.RequestUri!.PathAndQuery,
                    isStream,
                    Header(request, "Last-Event-ID"),
                    request.Headers.Authorization?.Parameter,
                    Header(request, "Idempotency-Key"),
                    response is null ? null : (int)response.StatusCode));
            }
        }

        private static string? Header(HttpRequestMessage request, string name) =>
            request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
    }
}

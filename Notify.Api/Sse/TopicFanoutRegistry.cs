using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;

namespace Notify.Api.Sse;

/// <summary>
/// This silo's fanouts, one per topic with local subscribers: created for a topic's first local
/// connection, stopped (stream subscription dropped) when its last one leaves.
/// </summary>
public sealed partial class TopicFanoutRegistry(
    IClusterClient client,
    IOptions<SseOptions> options,
    ILoggerFactory loggerFactory,
    NotifyMetrics metrics,
    ILogger<TopicFanoutRegistry> logger) : IHostedService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _stopping = [];
    private readonly ILogger _fanoutLogger = loggerFactory.CreateLogger<TopicFanout>();

    /// <summary>How many topics this silo holds a stream subscription for.</summary>
    public int WatchedTopicCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The running fanouts (a snapshot).</summary>
    public IReadOnlyList<TopicFanout> Fanouts
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Values.Where(e => e.Started.IsCompletedSuccessfully).Select(e => e.Fanout)];
            }
        }
    }

    /// <summary>
    /// Attaches <paramref name="connection"/> to its topic's fanout, starting the fanout (and its stream
    /// subscription) if this is the topic's first local connection. Dispose the result to detach.
    /// </summary>
    public async Task<IDisposable> AttachAsync(SseConnection connection, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(connection.Topic, out entry!))
            {
                var fanout = new TopicFanout(connection.Topic, client, options.Value, _fanoutLogger, metrics);
                // Started off the lock (subscribing is a remote call) and not cancelled with the first
                // subscriber's request: later subscribers share the same start.
                entry = new Entry(fanout, Task.Run(fanout.StartAsync, CancellationToken.None));
                _entries.Add(connection.Topic, entry);
            }

            entry.Attached++;
        }

        try
        {
            await entry.Started.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(entry);
            throw;
        }

        entry.Fanout.Add(connection);
        return new Attachment(this, entry, connection);
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Attached--;
            var failed = entry.Started.IsFaulted || entry.Started.IsCanceled;
            if ((entry.Attached > 0 && !failed)
                || !_entries.TryGetValue(entry.Fanout.Topic, out var current) || current != entry)
            {
                return;
            }

            // The last local subscriber left (or the start failed and must be retried afresh).
            _entries.Remove(entry.Fanout.Topic);
            if (entry.Started.IsCompletedSuccessfully || !entry.Started.IsCompleted)
            {
                var stopping = StopAsync(entry);
                _stopping.Add(stopping);
                _ = stopping.ContinueWith(t => { lock (_gate) { _stopping.Remove(t); } }, TaskScheduler.Default);
            }
        }
    }

    private async Task StopAsync(Entry entry)
    {
        try
        {
            await entry.Started;
            await entry.Fanout.DisposeAsync();
        }
        catch (Exception exception)
        {
            LogStopFailed(logger, exception, entry.Fanout.Topic);
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registered after the silo, so it stops first: drops the remaining stream subscriptions while Orleans still runs.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                _stopping.Add(StopAsync(entry));
            }

            _entries.Clear();
            pending = [.. _stopping];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: stopping the fanout failed")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string topic);

    private sealed class Entry(TopicFanout fanout, Task started)
    {
        public TopicFanout Fanout { get; } = fanout;

        public Task Started { get; } = started;

        public int Attached { get; set; }
    }

    private sealed class Attachment(TopicFanoutRegistry registry, Entry entry, SseConnection connection) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                entry.Fanout.Remove(connection);
                registry.Release(entry);
            }
        }
    }
}

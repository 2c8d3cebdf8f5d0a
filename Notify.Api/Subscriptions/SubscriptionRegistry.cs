using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Limits;
using Notify.Api.Sse;
using Notify.Grains.Topics;
using Orleans.Runtime;

namespace Notify.Api.Subscriptions;

/// <summary>
/// This silo's subscriptions, and one <see cref="TopicFanout"/> per topic that has any: created for a topic's
/// first local subscription, stopped (stream subscription dropped) when its last one leaves.
/// </summary>
public sealed partial class SubscriptionRegistry : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly IClusterClient _client;
    private readonly SubscriptionServices _services;
    private readonly ILogger<TopicFanout> _fanoutLogger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _stopping = [];
    private readonly IClusterMembershipService _membership;
    private readonly string _silo;
    private readonly CancellationTokenSource _stoppingSilo = new();
    private readonly int _maxTopics;
    private Task _watchingSilos = Task.CompletedTask;
    private TopicFanout[]? _started; // the snapshot Fanouts returns; null once a fan-out started or left
    private long _countsVersion;

    public SubscriptionRegistry(
        IClusterClient client,
        TopicReader reader,
        IOptions<SseOptions> options,
        IOptions<LimitOptions> limits,
        NotifyMetrics metrics,
        IHostApplicationLifetime lifetime,
        IClusterMembershipService membership,
        ILocalSiloDetails localSilo,
        LocalWriteWaits writeWaits,
        ILoggerFactory loggers)
    {
        _client = client;
        _silo = localSilo.SiloAddress.ToString();
        _membership = membership;
        _maxTopics = limits.Value.MaxTopics;
        _services = new SubscriptionServices(reader, options.Value, metrics, loggers.CreateLogger<TopicSubscription>(), new WriterWakeups(writeWaits.Check), lifetime.ApplicationStopping);
        _fanoutLogger = loggers.CreateLogger<TopicFanout>();
    }

    /// <summary>
    /// The running fan-outs (a snapshot). Kept until a fan-out starts or leaves: the silo's clocks ask every second, and
    /// copying 10,000 quiet topics each time was most of an idle silo's work.
    /// </summary>
    public IReadOnlyList<TopicFanout> Fanouts
    {
        get
        {
            lock (_gate)
            {
                return _started ??= [.. _entries.Values.Where(e => e.Started.IsCompletedSuccessfully).Select(e => e.Fanout)];
            }
        }
    }

    /// <summary>Changes whenever a subscription attaches or detaches: the subscriber counts need reading again only then.</summary>
    public long CountsVersion => Interlocked.Read(ref _countsVersion);

    /// <summary>The running fan-out of <paramref name="topic"/> on this silo; null when the topic has no subscriber here.</summary>
    public TopicFanout? FindFanout(string topic)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(topic, out var entry) && entry.Started.IsCompletedSuccessfully ? entry.Fanout : null;
        }
    }

    /// <summary>
    /// Opens a subscription to <paramref name="topic"/> that starts at <paramref name="start"/>: attached to the topic's fan-out first, then the replay's first page read, so the
    /// stream it writes has every event published after this call returns. Dispose it to detach.
    /// </summary>
    /// <exception cref="TopicLimitReachedException">This silo may not follow one more topic.</exception>
    /// <exception cref="Exception">
    /// The cluster cannot serve the topic now, the silo is stopping, or <paramref name="cancellationToken"/> fired.
    /// </exception>
    public async Task<TopicSubscription> OpenAsync(string topic, StreamStart start, CancellationToken cancellationToken)
    {
        using var opening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _services.SiloStopping);
        var subscription = new TopicSubscription(topic, _client.GetTopicGrain(topic), start, _services);
        await AttachAsync(subscription, opening.Token);
        try
        {
            await subscription.ReadFirstPageAsync(opening.Token);
            return subscription;
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    /// <summary>Attaches the subscription to its topic's fan-out, starting the fan-out (and its stream subscription) if needed.</summary>
    private async Task AttachAsync(TopicSubscription subscription, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(subscription.Topic, out entry!))
            {
                if (_entries.Count >= _maxTopics)
                {
                    throw new TopicLimitReachedException(subscription.Topic);
                }

                var fanout = new TopicFanout(subscription.Topic, _client, _services, _silo, _fanoutLogger);
                // Started off the lock (subscribing is a remote call) and not cancelled with the first
                // subscriber's request: later subscribers share the same start.
                entry = new Entry(fanout, Task.Run(fanout.StartAsync, CancellationToken.None));
                _entries.Add(subscription.Topic, entry);
                _ = entry.Started.ContinueWith(
                    static (_, registry) => ((SubscriptionRegistry)registry!).FanoutsChanged(),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
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

        entry.Fanout.Add(subscription);
        Interlocked.Increment(ref _countsVersion);
        subscription.AttachedAs(new Attachment(this, entry, subscription));
    }

    private void FanoutsChanged()
    {
        lock (_gate)
        {
            _started = null;
        }
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
            _started = null;
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
            LogStopFailed(_fanoutLogger, exception, entry.Fanout.Topic);
        }
    }

    /// <summary>
    /// Stops with the silo, before its runtime does (whatever order the services were registered in): the remaining
    /// stream subscriptions are dropped while Orleans still runs.
    /// </summary>
    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SubscriptionRegistry), ServiceLifecycleStage.Active, StartWatchingAsync, StopAllAsync);

    private Task StartWatchingAsync(CancellationToken cancellationToken)
    {
        _watchingSilos = Task.Run(WatchForLostSilosAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// When a silo of the cluster dies, every fan-out here checks its topic soon instead of at its next interval: the dead
    /// silo's stream queues may have held events, and a topic's last events leave no gap behind to notice.
    /// </summary>
    private async Task WatchForLostSilosAsync()
    {
        var previous = _membership.CurrentSnapshot;
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(_stoppingSilo.Token))
            {
                if (snapshot.CreateUpdate(previous).Changes.Any(member => member.Status == SiloStatus.Dead))
                {
                    foreach (var fanout in Fanouts)
                    {
                        fanout.SiloLost();
                    }
                }

                previous = snapshot;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        await _stoppingSilo.CancelAsync();
        await _watchingSilos;
        Task[] pending;
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                _stopping.Add(StopAsync(entry));
            }

            _entries.Clear();
            _started = null;
            pending = [.. _stopping];
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    public void Dispose() => _stoppingSilo.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: stopping the fan-out failed")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string topic);

    private sealed class Entry(TopicFanout fanout, Task started)
    {
        public TopicFanout Fanout { get; } = fanout;

        public Task Started { get; } = started;

        public int Attached { get; set; }
    }

    private sealed class Attachment(SubscriptionRegistry registry, Entry entry, TopicSubscription subscription) : IDisposable
    {
        public void Dispose()
        {
            entry.Fanout.Remove(subscription);
            Interlocked.Increment(ref registry._countsVersion);
            registry.Release(entry);
        }
    }
}

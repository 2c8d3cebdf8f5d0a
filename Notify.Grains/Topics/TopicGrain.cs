using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.Grains.Diagnostics;
using Notify.Grains.Events;
using Notify.Grains.Placement;
using Notify.Grains.Reads;
using Notify.Grains.Storage;
using Notify.Grains.Streaming;
using Orleans.Concurrency;
using Orleans.Streams;

namespace Notify.Grains.Topics;

/// <summary>
/// The topic grain: the one place a topic's events are appended to its log and its recent events are kept.
/// </summary>
/// <remarks>
/// Publishes are stored in batches (group commit): while one batch is being stored, the publishes that arrive wait,
/// then go together in the next store round trip, and each is answered once its batch is stored. Batches are stored
/// one after another and the log gives out positions in order, so positions are contiguous, acknowledged in order,
/// and sent on the topic's stream in order. The grain is reentrant: calls interleave at awaits, while its state only
/// changes within a turn.
/// <para>
/// The topic's history lives in its <see cref="ITopicLog"/>; the activation keeps the recent events in memory too and
/// answers reads from there, so subscribers never wait on the log. An activation holds the log's lease: one that was
/// cut off (its silo frozen, then declared dead while another activation took over) is refused by the log, drops its
/// publishes (their callers retry and reach the other) and deactivates. One started on a silo that the cluster has
/// declared dead, before that silo has read so, fails to start (<see cref="SiloMembership"/>).
/// </para>
/// </remarks>
[Reentrant]
[TopicOwnerPlacement] // on the silo the gateway sends the topic's publishes to
internal sealed partial class TopicGrain : Grain, ITopicGrain
{
    /// <summary>How soon the copy is read again from the log after a store failure left it unsure.</summary>
    private static readonly TimeSpan CatchUpDelay = TimeSpan.FromSeconds(1);

    private readonly TopicOptions _options;
    private readonly ITopicLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<TopicGrain> _logger;
    private readonly TopicStoreMetrics _metrics;
    private readonly TopicActivations _activations;
    private readonly SiloMembership _membership;
    private readonly IClusterMembershipService _cluster;
    private HeadConfirmations _confirmations = null!;
    private IDisposable? _place; // this activation's place among the silo's topics
    private readonly TopicCopy _copy;
    private readonly PublishQueue _queue = new();
    private TopicLease _lease = null!;
    private bool _committing;
    private bool _reloadNeeded; // the copy may lack what the log holds: read the log again
    private IGrainTimer? _catchUp;
    private TopicStreamSender _sender = null!;

    public TopicGrain(
        IOptions<TopicOptions> options,
        ITopicLog log,
        [FromKeyedServices(TopicOptions.ClockKey)] TimeProvider time,
        ILogger<TopicGrain> logger,
        TopicStoreMetrics metrics,
        TopicActivations activations,
        SiloMembership membership,
        IClusterMembershipService cluster)
    {
        _activations = activations;
        _membership = membership;
        _cluster = cluster;
        _options = options.Value;
        _log = log;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _copy = new TopicCopy(_options);
    }

    private string Topic => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A silo at its limit refuses the topic in the calls, not here: Orleans logs a failed activation as two errors
        // with their stack traces, and a limit reached is an answer (503), not an error.
        _place = _activations.TryEnter();
        if (_place is null)
        {
            return;
        }

        try
        {
            _confirmations = new HeadConfirmations(_time, _cluster.CurrentSnapshot.Version);
            var stream = this.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(Topic));
            _sender = new TopicStreamSender(TopicStreamSender.To(stream), _options.StreamSendTimeout, _copy.KeepFrom, _time, Topic, _logger);
            await OpenAsync(renew: false, cancellationToken);

            // Only now, with the lease taken: see SiloMembership for why the order matters.
            await _membership.ThrowIfDeclaredDeadAsync(Topic, cancellationToken);
        }
        catch
        {
            _place.Dispose();
            throw;
        }

        LogActivated(Topic, _copy.Head);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _place?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Replaces the in-memory copy with what the log holds (taking the lease, or renewing this activation's).</summary>
    private async Task OpenAsync(bool renew, CancellationToken cancellationToken)
    {
        var history = await _log.OpenAsync(Topic, _time.GetUtcNow(), renew ? _lease : null, cancellationToken);
        _lease = history.Lease;
        _copy.Replace(history);
        _reloadNeeded = false;
    }

    /// <summary>An activation refused at the silo's limit answers each call so, then goes: the next call tries again.</summary>
    private void ThrowIfRefused()
    {
        if (_place is null)
        {
            DeactivateOnIdle();
            throw new TopicCapacityException(Topic);
        }
    }

    public Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfRefused();
        ArgumentNullException.ThrowIfNull(request.Data);
        cancellationToken.ThrowIfCancellationRequested(); // its caller has given up: not stored
        var publish = new PendingPublish(Topic, request, cancellationToken);
        _queue.Enqueue(publish);
        if (!_committing)
        {
            _committing = true;
            _ = CommitAsync();
        }

        return publish.Task;
    }

    /// <summary>Stores what is waiting, a batch at a time, until nothing is; publishes arriving meanwhile join the next batch.</summary>
    private async Task CommitAsync()
    {
        Activity.Current = null; // the loop stores everyone's publishes, not only those of the call that started it
        try
        {
            while (!_queue.IsEmpty)
            {
                var batch = _queue.TakeBatch();
                if (batch.Count > 0)
                {
                    await CommitBatchAsync(batch);
                }
            }
        }
        catch (Exception exception)
        {
            _queue.FailAll(exception); // a bug, not a store failure (those fail their batch only): answer everyone
            LogCommitFailed(exception, Topic);
        }
        finally
        {
            _committing = false;
        }
    }

    private async Task CommitBatchAsync(List<PendingPublish> batch)
    {
        // To the millisecond, as the store keeps it: an event's time must not change when its topic is loaded again
        // (a ?since= quoting it would then miss it).
        var now = TruncateToMilliseconds(_time.GetUtcNow());
        var entries = batch.ConvertAll(p => p.Entry);
        if (await AppendAsync(batch, entries, now) is not { } answers)
        {
            return;
        }

        var stored = _copy.Apply(entries, answers, now, out var complete);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Complete(new PublishResult(answers[i].Position, answers[i].Replayed));
        }

        if (!complete)
        {
            LogReloading(Topic, _copy.Head);
            await CatchUpAsync();
        }

        _sender.Send(PublishTracing.WithPublishTraces(stored, batch, answers));
    }

    /// <summary>
    /// Appends a batch to the log: its answers, or null when it failed, the batch's publishes then failed (or the
    /// grain stepped down). The store append's span covers this and nothing after it.
    /// </summary>
    private async Task<IReadOnlyList<TopicLogAppend>?> AppendAsync(List<PendingPublish> batch, List<TopicLogEntry> entries, DateTimeOffset now)
    {
        using var span = PublishTracing.StartStoreAppend(Topic, batch);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (_reloadNeeded)
            {
                await OpenAsync(renew: true, CancellationToken.None);
            }

            // Not cancelled once started: the store may keep the batch whatever this side does.
            var answers = await _log.AppendAsync(_lease, entries, now, CancellationToken.None);
            _metrics.Appended(Stopwatch.GetElapsedTime(started), batch.Count, stored: true);
            return answers;
        }
        catch (TopicLogFencedException exception)
        {
            _metrics.Appended(Stopwatch.GetElapsedTime(started), batch.Count, stored: false);
            span?.SetStatus(ActivityStatusCode.Error, "fenced");
            StepDown(batch, exception);
            return null;
        }
        catch (Exception exception)
        {
            _metrics.Appended(Stopwatch.GetElapsedTime(started), batch.Count, stored: false);
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            // The batch may or may not be stored: each caller retries with its idempotency key, and this copy reads the
            // log again as soon as it can, so that what was stored reaches readers even if nobody retries.
            batch.ForEach(p => p.Fail(exception));
            CatchUpSoon();
            return null;
        }
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerMillisecond));

    /// <summary>Reads the log again under this activation's lease; when another activation holds the topic, this one goes.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            await OpenAsync(renew: true, CancellationToken.None);
        }
        catch (TopicLogFencedException exception)
        {
            StepDown([], exception);
        }
        catch (TopicLogUnavailableException exception)
        {
            LogCatchUpFailed(exception, Topic);
            CatchUpSoon();
        }
    }

    /// <summary>Reads the log again in a second, unless a batch does it first (the next batch always reads it when needed).</summary>
    private void CatchUpSoon()
    {
        _reloadNeeded = true;
        _catchUp ??= this.RegisterGrainTimer(
            async _ =>
            {
                if (_reloadNeeded && !_committing)
                {
                    await CatchUpAsync();
                }
            },
            new GrainTimerCreationOptions { DueTime = Timeout.InfiniteTimeSpan, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        _catchUp.Change(CatchUpDelay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Another activation holds the topic now: this one answers its callers "retry" (they reach the other) and goes.</summary>
    private void StepDown(List<PendingPublish> batch, TopicLogFencedException exception)
    {
        LogFenced(Topic);
        var retry = new TopicLogUnavailableException($"Topic {Topic} has moved to another activation; retry.", exception);
        batch.ForEach(p => p.Fail(retry));
        _queue.FailAll(retry);
        DeactivateOnIdle();
    }

    public async Task<TopicRead> ReadAsync(ResumeFrom from, int maxEvents, long maxBytes, CancellationToken cancellationToken = default)
    {
        ThrowIfRefused();
        ArgumentNullException.ThrowIfNull(from);

        // Before telling a client its position is unknown or of another epoch: is the log ahead of this copy (an
        // activation that missed what another one stored)? Asked only then, which a well-behaved client never causes.
        if (from.After is { } asked && _copy.IsBeyond(asked)
            && await _log.GetLastAsync(Topic, cancellationToken) is { } last && _copy.IsBehind(last))
        {
            await CatchUpBeforeReadAsync(cancellationToken);
        }

        return _copy.Read(from, maxEvents, maxBytes, _time.GetUtcNow());
    }

    /// <summary>Reads the log again before a read, under this activation's lease; when another activation holds the topic, the read fails "retry".</summary>
    private async Task CatchUpBeforeReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await OpenAsync(renew: true, cancellationToken);
        }
        catch (TopicLogFencedException exception)
        {
            StepDown([], exception);
            throw new TopicLogUnavailableException($"Topic {Topic} has moved to another activation; retry.", exception);
        }
    }

    public async Task<EventPosition> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfRefused();

        // A batch in flight confirms the lease itself; otherwise, for a while after a membership change: see HeadConfirmations.
        if (!_committing && _confirmations.IsDue(_cluster.CurrentSnapshot.Version))
        {
            await ConfirmCopyAsync(cancellationToken);
        }

        return _copy.Head;
    }

    /// <summary>
    /// Reads the log's newest position; when the log holds more than this copy, reads it again under this activation's
    /// lease, or steps down and fails "retry" when another activation holds the topic (the caller's next try reaches it).
    /// </summary>
    private async Task ConfirmCopyAsync(CancellationToken cancellationToken)
    {
        EventPosition? last;
        try
        {
            last = await _log.GetLastAsync(Topic, cancellationToken);
        }
        catch (TopicLogUnavailableException)
        {
            return; // a store outage shows in the publishes; a head check answers from the copy meanwhile
        }

        if (last is { } position && _copy.IsBehind(position))
        {
            LogReloading(Topic, _copy.Head);
            await CatchUpBeforeReadAsync(cancellationToken);
        }
    }
}

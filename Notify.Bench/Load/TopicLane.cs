namespace Notify.Bench.Load;

/// <summary>
/// The publishing side of one topic. At most one publish per topic is in flight, so the order the hub
/// stored a topic's events in is the order of their sequence numbers, and subscribers can be checked against it.
/// </summary>
internal sealed class TopicLane(int index, Uri url, int subscribers) : IDisposable
{
    private readonly SemaphoreSlim _due = new(0);

    public int Index => index;

    public Uri Url => url;

    /// <summary>How many subscribers follow this topic: the deliveries one of its events makes.</summary>
    public int Subscribers => subscribers;

    /// <summary>Sequence numbers the hub acknowledged.</summary>
    public SequenceSet Acknowledged { get; } = new();

    public long NextSequence { get; set; } = 1;

    public long Failed { get; set; }

    /// <summary>Publishes scheduled at a fixed rate and not yet sent.</summary>
    public int Backlog => _due.CurrentCount;

    public void Schedule() => _due.Release();

    public Task WaitForScheduledAsync(CancellationToken cancellationToken) => _due.WaitAsync(cancellationToken);

    public void Dispose() => _due.Dispose();
}

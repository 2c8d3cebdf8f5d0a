namespace Notify.Bench.Load;

/// <summary>The publishing side of one topic: its sequence numbers, what the hub acknowledged, the order it owes.</summary>
internal sealed class TopicLane(int index, Uri topicsUrl, string topic, int subscribers) : IDisposable
{
    private readonly SemaphoreSlim _due = new(0);
    private readonly Lock _gate = new();
    private readonly SequenceSet _acknowledged = new();
    private long _nextSequence = 1;
    private long _failed;

    /// <summary>The topic's index in the run, written in each of its events' bodies.</summary>
    public int Index => index;

    /// <summary>The topic's id at the hub.</summary>
    public string Topic => topic;

    /// <summary>Where its events are published, and streamed from alone.</summary>
    public Uri Url { get; } = new($"{topicsUrl.ToString().TrimEnd('/')}/{topic}");

    /// <summary>How many subscribers (streams) follow this topic: the deliveries one of its events makes.</summary>
    public int Subscribers => subscribers;

    public TopicOrder Order { get; } = new();

    /// <summary>Sequence numbers the hub acknowledged. Read it once publishing has stopped.</summary>
    public SequenceSet Acknowledged => _acknowledged;

    public long AcknowledgedCount
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged.Count;
            }
        }
    }

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Takes the next sequence number and notes what it must follow, just before it is sent.</summary>
    public long NextToSend()
    {
        lock (_gate)
        {
            var sequence = _nextSequence++;
            Order.Sending(sequence);
            return sequence;
        }
    }

    public void Acknowledge(long sequence)
    {
        lock (_gate)
        {
            _acknowledged.Add(sequence);
        }

        Order.Settled(sequence);
    }

    public void Fail() => Interlocked.Increment(ref _failed);

    public void Schedule() => _due.Release();

    public Task WaitForScheduledAsync(CancellationToken cancellationToken) => _due.WaitAsync(cancellationToken);

    public void Dispose() => _due.Dispose();
}

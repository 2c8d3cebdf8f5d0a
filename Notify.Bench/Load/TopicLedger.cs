namespace Notify.Bench.Load;

/// <summary>What one subscriber received of one topic it follows, and whether each event came in the order the hub owes.</summary>
/// <remarks>Only its subscriber's receive loop touches it, so it needs no lock.</remarks>
internal sealed class TopicLedger(int topic, TopicOrder order)
{
    private long _mustHaveArrived;

    /// <summary>The topic's index in the run.</summary>
    public int Topic => topic;

    public SequenceSet Received { get; } = new();

    public Receipt Record(long sequence)
    {
        if (!Received.Add(sequence))
        {
            return Receipt.Duplicate;
        }

        // Late: an event received earlier was published after this one had been acknowledged.
        var late = sequence <= _mustHaveArrived;
        _mustHaveArrived = Math.Max(_mustHaveArrived, order.MustFollow(sequence));
        return late ? Receipt.Late : Receipt.New;
    }
}

/// <summary>How an event received fits its topic's ledger: new, seen before, or new but after one it should have preceded.</summary>
internal enum Receipt
{
    New,
    Duplicate,
    Late,
}

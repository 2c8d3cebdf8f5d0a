namespace Notify.Grains.Topics;

/// <summary>
/// The publishes waiting while a batch is being stored, taken a batch at a time in arrival order. Only the topic
/// grain's turns touch it (a grain runs one turn at a time), so it needs no lock.
/// </summary>
internal sealed class PublishQueue
{
    /// <summary>Most publishes stored in one round trip.</summary>
    public const int MaxBatchEvents = 500;

    /// <summary>About the most bytes stored in one round trip (a batch always takes at least one publish).</summary>
    public const long MaxBatchBytes = 1024 * 1024;

    private readonly Queue<PendingPublish> _waiting = new();

    public bool IsEmpty => _waiting.Count == 0;

    public void Enqueue(PendingPublish publish) => _waiting.Enqueue(publish);

    /// <summary>The next batch: the oldest waiting publishes within the bounds, leaving out (and cancelling) abandoned ones.</summary>
    public List<PendingPublish> TakeBatch()
    {
        var batch = new List<PendingPublish>(Math.Min(_waiting.Count, MaxBatchEvents));
        long bytes = 0;
        while (batch.Count < MaxBatchEvents && _waiting.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Size <= MaxBatchBytes))
        {
            _waiting.Dequeue();
            if (next.IsAbandoned)
            {
                next.Abandon(); // its caller gave up before it was stored: it never will be
                continue;
            }

            batch.Add(next);
            bytes += next.Size;
        }

        return batch;
    }

    /// <summary>Fails every waiting publish (the activation cannot store anything any more).</summary>
    public void FailAll(Exception exception)
    {
        while (_waiting.TryDequeue(out var publish))
        {
            publish.Fail(exception);
        }
    }
}

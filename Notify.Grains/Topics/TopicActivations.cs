using Microsoft.Extensions.Options;

namespace Notify.Grains.Topics;

/// <summary>
/// Counts the topic grains active on this silo against <see cref="TopicOptions.MaxActivePerSilo"/>: each holds a buffer,
/// so a flood of publishes or reads to new topics must not grow a silo without bound.
/// </summary>
public sealed class TopicActivations(IOptions<TopicOptions> options)
{
    private readonly int _max = options.Value.MaxActivePerSilo;
    private int _active;

    /// <summary>Topic grains active on this silo now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>A place for one more topic grain; null when the silo holds as many as it may. Dispose it on deactivation.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _active) > _max)
        {
            Interlocked.Decrement(ref _active);
            return null;
        }

        return new Place(this);
    }

    private sealed class Place(TopicActivations activations) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                Interlocked.Decrement(ref activations._active);
            }
        }
    }
}

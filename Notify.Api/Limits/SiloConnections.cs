using Microsoft.Extensions.Options;

namespace Notify.Api.Limits;

/// <summary>Counts this silo's open SSE connections against <see cref="LimitOptions.MaxConnections"/>.</summary>
public sealed class SiloConnections(IOptions<LimitOptions> options)
{
    private readonly int _max = options.Value.MaxConnections;
    private int _open;

    /// <summary>Open connections now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place for one more connection; null when the silo is full. Dispose it when the connection ends.</summary>
    public IDisposable? TryOpen()
    {
        if (Interlocked.Increment(ref _open) > _max)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }

        return new Place(this);
    }

    private sealed class Place(SiloConnections connections) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                Interlocked.Decrement(ref connections._open);
            }
        }
    }
}

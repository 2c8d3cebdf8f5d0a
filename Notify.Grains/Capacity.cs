namespace Notify.Grains;

/// <summary>
/// A count of things held at once (connections, topic grains) that may not pass a maximum: each one takes a place
/// while it lives and gives it back when its place is disposed, once.
/// </summary>
public abstract class Capacity(int max)
{
    private int _held;

    /// <summary>Places taken now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>A place for one more; null when all are taken. Dispose it when the thing it was taken for ends.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _held) > max)
        {
            Interlocked.Decrement(ref _held);
            return null;
        }

        return new Place(this);
    }

    private sealed class Place(Capacity capacity) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                Interlocked.Decrement(ref capacity._held);
            }
        }
    }
}

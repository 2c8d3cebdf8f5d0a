using Notify.Grains.Events;

namespace Notify.Grains.Storage;

/// <summary>
/// The idempotency keys a topic has seen recently and the positions their publishes got,
/// so a retried publish answers the first one's id instead of creating a second event.
/// </summary>
/// <remarks>Bounded by age and by count; keys expire in the order they were first used.</remarks>
internal sealed class IdempotencyKeys(TimeSpan window, int maxKeys)
{
    private readonly Dictionary<string, EventPosition> _positions = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset ExpiresAt)> _expiry = new();

    public int Count => _positions.Count;

    public bool TryGet(string key, DateTimeOffset now, out EventPosition position)
    {
        Forget(now);
        return _positions.TryGetValue(key, out position);
    }

    public void Remember(string key, EventPosition position, DateTimeOffset now)
    {
        Forget(now);
        if (_positions.TryAdd(key, position))
        {
            _expiry.Enqueue((key, now + window));
        }

        while (_positions.Count > maxKeys)
        {
            _positions.Remove(_expiry.Dequeue().Key);
        }
    }

    public void Clear()
    {
        _positions.Clear();
        _expiry.Clear();
    }

    private void Forget(DateTimeOffset now)
    {
        while (_expiry.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
        {
            _positions.Remove(_expiry.Dequeue().Key);
        }
    }
}

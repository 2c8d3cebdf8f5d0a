using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>Where a fan-out puts the frames it passes on: a subscription's queue.</summary>
internal interface IFrameQueue
{
    void Enqueue(SseFrame frame);
}

/// <summary>
/// The subscriptions a fan-out writes to. Attaching or detaching one costs the same whatever the number of others
/// (a slot array with a free list, not a copied array: connecting n subscribers to one topic was O(n²)), and the
/// fan-out writes to them without taking the lock.
/// </summary>
/// <remarks>
/// The writer reads the array and its used length without the lock. A subscription attached while a frame is being
/// written may or may not get that frame, and one detached may still get it: the subscription protocol allows both,
/// since an attached subscription reads the topic from the grain after attaching and skips what it already has.
/// </remarks>
internal sealed class SubscriptionSet<TSubscription>
    where TSubscription : class, IFrameQueue
{
    private const int CompactBelowSlots = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<TSubscription, int> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<int> _free = new();
    private TSubscription?[] _items = new TSubscription?[4];
    private int _used; // slots handed out so far, live or freed: the part of _items a writer scans
    private int _count;

    /// <summary>How many subscriptions are attached.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Add(TSubscription subscription)
    {
        lock (_gate)
        {
            if (_slots.ContainsKey(subscription))
            {
                return;
            }

            if (!_free.TryPop(out var slot))
            {
                if (_used == _items.Length)
                {
                    var grown = new TSubscription?[_items.Length * 2];
                    Array.Copy(_items, grown, _used);
                    Volatile.Write(ref _items, grown);
                }

                slot = _used;
            }

            _slots.Add(subscription, slot);
            Volatile.Write(ref _items[slot], subscription);
            if (slot == _used)
            {
                Volatile.Write(ref _used, _used + 1);
            }

            Volatile.Write(ref _count, _slots.Count);
        }
    }

    public void Remove(TSubscription subscription)
    {
        lock (_gate)
        {
            if (!_slots.Remove(subscription, out var slot))
            {
                return;
            }

            Volatile.Write(ref _items[slot], null);
            _free.Push(slot);
            Volatile.Write(ref _count, _slots.Count);
            if (_used > CompactBelowSlots && _slots.Count < _used / 4)
            {
                Compact();
            }
        }
    }

    /// <summary>Hands a frame to every attached subscription; answers how many got it.</summary>
    public int Enqueue(SseFrame frame) => ForEach(static (subscription, frame) => subscription.Enqueue(frame), frame);

    /// <summary>Runs <paramref name="action"/> on every attached subscription, without the lock; answers how many.</summary>
    public int ForEach<TState>(Action<TSubscription, TState> action, TState state)
    {
        // The length first: the array is replaced before the length changes, so a length read here comes with an array
        // at least as new, which holds every subscription attached below that length.
        var used = Volatile.Read(ref _used);
        var items = Volatile.Read(ref _items);
        used = Math.Min(used, items.Length);
        var count = 0;
        for (var i = 0; i < used; i++)
        {
            if (Volatile.Read(ref items[i]) is { } subscription)
            {
                action(subscription, state);
                count++;
            }
        }

        return count;
    }

    /// <summary>The subscriptions attached now (a copy: for reports and tests, not the write path).</summary>
    public IReadOnlyList<TSubscription> Snapshot()
    {
        lock (_gate)
        {
            return [.. _slots.Keys];
        }
    }

    /// <summary>
    /// Copies up to <paramref name="into"/>'s length of the attached subscriptions, spread evenly over the set, without the
    /// lock; answers how many. A cheap look at a large set (its typical member) instead of a walk through all of it.
    /// </summary>
    public int Sample(Span<TSubscription?> into)
    {
        var used = Volatile.Read(ref _used);
        var items = Volatile.Read(ref _items);
        used = Math.Min(used, items.Length);
        if (used <= Math.Max(into.Length * 4, CompactBelowSlots))
        {
            // Small: read it all (uncompacted, its few live slots may sit together anywhere in it).
            return Collect(items, 0, used, into);
        }

        // Large: the first live slot of each of into.Length equal segments. Above CompactBelowSlots, compaction keeps at
        // least a quarter of the slots live, so few segments are empty.
        var count = 0;
        for (var segment = 0; segment < into.Length; segment++)
        {
            var start = (int)((long)used * segment / into.Length);
            var end = (int)((long)used * (segment + 1) / into.Length);
            count += Collect(items, start, end, into.Slice(count, 1));
        }

        return count;
    }

    private static int Collect(TSubscription?[] items, int start, int end, Span<TSubscription?> into)
    {
        var count = 0;
        for (var i = start; i < end && count < into.Length; i++)
        {
            if (Volatile.Read(ref items[i]) is { } subscription)
            {
                into[count++] = subscription;
            }
        }

        return count;
    }

    // After most subscriptions left, the writer would scan mostly empty slots: pack the live ones into a new array
    // (a writer still scanning the old one finishes there).
    private void Compact()
    {
        var packed = new TSubscription?[Math.Max(4, _slots.Count * 2)];
        var next = 0;
        foreach (var subscription in _slots.Keys.ToList())
        {
            packed[next] = subscription;
            _slots[subscription] = next++;
        }

        _free.Clear();
        Volatile.Write(ref _items, packed);
        Volatile.Write(ref _used, next);
    }
}

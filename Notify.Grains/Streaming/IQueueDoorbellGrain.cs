using Orleans.Concurrency;

namespace Notify.Grains.Streaming;

/// <summary>
/// The doorbell of one stream queue: producers ring it after enqueueing; the queue's reader waits on it
/// instead of polling the queue on a timer.
/// </summary>
public interface IQueueDoorbellGrain : IGrainWithStringKey
{
    /// <summary>Counts a ring and wakes the waiting reader. Fire-and-forget: a producer never waits for it.</summary>
    [OneWay]
    Task RingAsync();

    /// <summary>
    /// Returns the number of rings so far as soon as it differs from <paramref name="seenRings"/> (at once
    /// when it already does), or after <paramref name="wait"/>, or when the doorbell's silo stops.
    /// </summary>
    /// <remarks>
    /// No cancellation token: Orleans gives each call of a method that takes one a cancellation source of its own, and
    /// a quiet queue's reader waits once per event. The reader stops waiting for the answer instead.
    /// </remarks>
    Task<long> WaitAsync(long seenRings, TimeSpan wait);
}

using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Streaming;

namespace Notify.Grains.Topics;

/// <summary>
/// One topic, keyed by its id: assigns event ids, keeps the recent-event buffer and publishes each
/// event to the topic's stream (<see cref="NotifyStreams.ForTopic"/>).
/// </summary>
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the event in the buffer, then sends it on the topic's stream. Completes once stored. A publish cancelled
    /// before its turn is not stored; one cancelled later may be (its caller retries with the same idempotency key).
    /// </summary>
    Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The buffered events after <paramref name="from"/>, at most <paramref name="maxEvents"/> of them and
    /// about <paramref name="maxBytes"/> (always at least one when there is one); see <see cref="TopicRead"/>.
    /// </summary>
    Task<TopicRead> ReadAsync(ResumeFrom from, int maxEvents, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>The position of the newest event (sequence 0 before the first).</summary>
    Task<EventPosition> GetHeadAsync(CancellationToken cancellationToken = default);
}

using Orleans.Placement;

namespace Notify.Grains.Placement;

/// <summary>
/// Places a stream queue's grains (its memory queue and its doorbell) on the silo that reads the queue, the owner of
/// its topics (<see cref="QueueOwners"/>): enqueueing, ringing and reading then stay in that silo's process.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class QueueOwnerPlacement : PlacementStrategy
{
    internal static readonly QueueOwnerPlacement Instance = new();
}

/// <summary>Marks a grain keyed by a stream queue (<see cref="Streaming.StreamQueueGrainIds"/>) for <see cref="QueueOwnerPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class QueueOwnerPlacementAttribute() : PlacementAttribute(QueueOwnerPlacement.Instance);

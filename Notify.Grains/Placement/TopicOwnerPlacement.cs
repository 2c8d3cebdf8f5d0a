using Orleans.Placement;

namespace Notify.Grains.Placement;

/// <summary>
/// Places a topic's grain on the topic's owner among the compatible silos (<see cref="TopicOwners"/>), the silo the
/// gateway sends the topic's publishes to.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class TopicOwnerPlacement : PlacementStrategy
{
    internal static readonly TopicOwnerPlacement Instance = new();
}

/// <summary>Marks a grain keyed by a topic id for <see cref="TopicOwnerPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TopicOwnerPlacementAttribute() : PlacementAttribute(TopicOwnerPlacement.Instance);

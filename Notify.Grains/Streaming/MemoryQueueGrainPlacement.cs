using System.Diagnostics.CodeAnalysis;
using Notify.Grains.Placement;
using Orleans.Metadata;
using Orleans.Providers;
using Orleans.Runtime.Placement;

namespace Notify.Grains.Streaming;

/// <summary>
/// Gives Orleans' memory stream queue grain <see cref="QueueOwnerPlacement"/>: it is Orleans' class, so it cannot
/// carry the attribute that <see cref="QueueDoorbellGrain"/> does.
/// </summary>
internal sealed class MemoryQueueGrainPlacement : IPlacementStrategyResolver
{
    private static readonly string MemoryQueueGrain = typeof(MemoryStreamQueueGrain).FullName!;

    public bool TryResolvePlacementStrategy(GrainType grainType, GrainProperties? properties, [MaybeNullWhen(false)] out PlacementStrategy result)
    {
        if (properties is not null
            && properties.Properties.TryGetValue(WellKnownGrainTypeProperties.FullTypeName, out var typeName)
            && typeName == MemoryQueueGrain)
        {
            result = QueueOwnerPlacement.Instance;
            return true;
        }

        result = null;
        return false;
    }
}

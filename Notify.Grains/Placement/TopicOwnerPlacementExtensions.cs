using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Grains.Streaming;
using Orleans.Hosting;
using Orleans.Runtime.Placement;

namespace Notify.Grains.Placement;

public static class TopicOwnerPlacementExtensions
{
    /// <summary>Lets grains marked <see cref="TopicOwnerPlacementAttribute"/> start on their topic's owner.</summary>
    public static ISiloBuilder AddTopicOwnerPlacement(this ISiloBuilder silo)
    {
        silo.Services.AddStreamQueueOwners();
        return silo.AddPlacementDirector<TopicOwnerPlacement, TopicOwnerPlacementDirector>();
    }

    /// <summary>
    /// Lets a stream queue's grains (<see cref="QueueOwnerPlacement"/>: its doorbell, and Orleans' memory queue grain)
    /// start on the queue's owner. Called once per silo, however many doorbell providers it has.
    /// </summary>
    internal static void AddQueueOwnerPlacement(this IServiceCollection services)
    {
        if (services.Any(service => service.ImplementationType == typeof(MemoryQueueGrainPlacement)))
        {
            return;
        }

        services.AddStreamQueueOwners();
        services.AddPlacementDirector<QueueOwnerPlacement, QueueOwnerPlacementDirector>();
        services.AddSingleton<IPlacementStrategyResolver, MemoryQueueGrainPlacement>();
    }

    private static void AddStreamQueueOwners(this IServiceCollection services)
    {
        services.TryAddSingleton<SiloNames>();
        services.TryAddSingleton<StreamQueueOwners>();
        services.TryAddSingleton<LocalStreamQueues>();
    }
}

using Notify.Grains.Placement;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Notify.Gateway;

/// <summary>
/// The silos' load-balancing policy (<c>TopicOwner</c>). A request on a route marked <c>"RouteBy": "TopicOwner"</c>
/// (publishes, history reads) goes to the owner of its <c>{topic}</c> among the healthy silos (<see cref="TopicOwners"/>):
/// when the destination ids are the silos' names, the silo that holds the topic's grain and reads its stream queue. The
/// publish is then taken, stored and enqueued in that one process. Anything else, above all the event streams, goes
/// to YARP's <c>PowerOfTwoChoices</c>: of two random silos, the one with fewer requests in flight.
/// </summary>
/// <remarks>
/// The owners depend on the number of stream queues, <c>Notify:Streams:QueueCount</c>, which must be the silos' (both
/// default to 8); a different number costs a hop per publish, not correctness.
/// </remarks>
internal sealed class TopicOwnerLoadBalancing(IServiceProvider services, IConfiguration configuration) : ILoadBalancingPolicy
{
    public const string PolicyName = "TopicOwner";
    private const string RouteByKey = "RouteBy";
    private const string QueueCountKey = "Notify:Streams:QueueCount";

    // Looked up on first use: the policies are one list of services, this one among them.
    private readonly Lazy<ILoadBalancingPolicy> _spread = new(() =>
        services.GetServices<ILoadBalancingPolicy>().Single(policy => policy.Name == LoadBalancingPolicies.PowerOfTwoChoices));

    private readonly int _queueCount = configuration.GetValue(QueueCountKey, 8);

    // The owners of the queues among the destinations last seen; they change only when the healthy silos do.
    private QueueAssignment? _assignment;

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count > 1 && context.GetRouteValue("topic") is string { Length: > 0 } topic && RoutesByTopicOwner(context))
        {
            var assignment = _assignment;
            if (assignment is null || !assignment.IsFor(availableDestinations))
            {
                _assignment = assignment = new QueueAssignment(availableDestinations, _queueCount);
            }

            return availableDestinations[assignment.Owners[TopicQueues.QueueOf(topic, _queueCount)]];
        }

        return _spread.Value.PickDestination(context, cluster, availableDestinations);
    }

    /// <summary>
    /// The silo's name: its destination id as configured. Service discovery gives each address it resolves the id
    /// <c>name[host:port]</c>.
    /// </summary>
    private static ReadOnlySpan<char> SiloName(DestinationState destination)
    {
        var id = destination.DestinationId.AsSpan();
        var address = id.IndexOf('[');
        return address < 0 ? id : id[..address];
    }

    private static bool RoutesByTopicOwner(HttpContext context) =>
        context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(RouteByKey) == PolicyName;

    /// <summary>Each queue's owner, as an index into the destinations it was computed for (in their order).</summary>
    private sealed class QueueAssignment
    {
        private readonly DestinationState[] _destinations;

        public QueueAssignment(IReadOnlyList<DestinationState> destinations, int queueCount)
        {
            _destinations = [.. destinations];
            Owners = new int[queueCount];
            QueueOwners.Assign(queueCount, _destinations, SiloName, Owners);
        }

        public int[] Owners { get; }

        public bool IsFor(IReadOnlyList<DestinationState> destinations)
        {
            if (destinations.Count != _destinations.Length)
            {
                return false;
            }

            for (var i = 0; i < _destinations.Length; i++)
            {
                if (!ReferenceEquals(destinations[i], _destinations[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

internal static class TopicOwnerLoadBalancingExtensions
{
    public static IReverseProxyBuilder AddTopicOwnerLoadBalancing(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddSingleton<ILoadBalancingPolicy, TopicOwnerLoadBalancing>();
        return proxy;
    }
}

using Notify.Grains.Placement;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Notify.Gateway;

/// <summary>
/// The silos' load-balancing policy (<c>TopicOwner</c>). A request on a route marked <c>"RouteBy": "TopicOwner"</c>
/// (publishes, history reads) goes to the owner of its <c>{topic}</c> among the healthy silos: the silo its grain is
/// placed on when the destination ids are the silos' names (<see cref="TopicOwners"/>). The grain then takes the
/// publish in its own process instead of one more hop between silos. Anything else, above all the event streams, goes
/// to YARP's <c>PowerOfTwoChoices</c>: of two random silos, the one with fewer requests in flight.
/// </summary>
internal sealed class TopicOwnerLoadBalancing(IServiceProvider services) : ILoadBalancingPolicy
{
    public const string PolicyName = "TopicOwner";
    private const string RouteByKey = "RouteBy";

    // Looked up on first use: the policies are one list of services, this one among them.
    private readonly Lazy<ILoadBalancingPolicy> _spread = new(() =>
        services.GetServices<ILoadBalancingPolicy>().Single(policy => policy.Name == LoadBalancingPolicies.PowerOfTwoChoices));

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count > 1 && context.GetRouteValue("topic") is string { Length: > 0 } topic && RoutesByTopicOwner(context))
        {
            return TopicOwners.Pick(topic, availableDestinations, SiloName);
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
}

internal static class TopicOwnerLoadBalancingExtensions
{
    public static IReverseProxyBuilder AddTopicOwnerLoadBalancing(this IReverseProxyBuilder proxy)
    {
        proxy.Services.AddSingleton<ILoadBalancingPolicy, TopicOwnerLoadBalancing>();
        return proxy;
    }
}

using System.Globalization;
using Notify.Grains.Streaming;

namespace Notify.Testing;

/// <summary>The environment of a clustered silo process, as the AppHost gives it (Aspire's <c>Orleans__*</c> shape).</summary>
public static class SiloEnvironment
{
    /// <summary>
    /// The silo <paramref name="name"/> (the gateway's destination id for it, by which topics are placed), serving HTTP on <paramref name="httpPort"/>, HTTP/2 without TLS for the load balancer on
    /// <paramref name="loadBalancerPort"/>, and Orleans on <paramref name="siloPort"/>, clustered through
    /// the store at <paramref name="store"/> (membership, stream pub-sub state, topics) with the others of
    /// <paramref name="clusterId"/>, as the AppHost gives it, with the per-client limits of <see cref="OneAddressLoad"/>.
    /// </summary>
    public static Dictionary<string, string> For(string name, int httpPort, int loadBalancerPort, int siloPort, string store, string clusterId, string serviceId) => new()
    {
        ["Kestrel__Endpoints__Public__Url"] = $"http://127.0.0.1:{httpPort}",
        ["Kestrel__Endpoints__LoadBalancer__Url"] = $"http://127.0.0.1:{loadBalancerPort}",
        ["Kestrel__Endpoints__LoadBalancer__Protocols"] = "Http2",
        ["ConnectionStrings__store"] = store,
        ["Orleans__Name"] = name,
        ["Orleans__ClusterId"] = clusterId,
        ["Orleans__ServiceId"] = serviceId,
        ["Orleans__Clustering__ProviderType"] = "Redis",
        ["Orleans__Clustering__ServiceKey"] = "store",
        [$"Orleans__GrainStorage__{NotifyProviderNames.PubSubStore}__ProviderType"] = "Redis",
        [$"Orleans__GrainStorage__{NotifyProviderNames.PubSubStore}__ServiceKey"] = "store",
        [$"Orleans__Streaming__{NotifyProviderNames.Streams}__ProviderType"] = NotifyProviderNames.DoorbellStreamsType,
        ["Orleans__Endpoints__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Notify__Limits__MaxConnectionsPerClient"] = OneAddressLoad["Notify:Limits:MaxConnectionsPerClient"],
        ["Notify__Limits__PublishesPerSecondPerClient"] = OneAddressLoad["Notify:Limits:PublishesPerSecondPerClient"],
        ["Notify__Limits__PublishBurstPerClient"] = OneAddressLoad["Notify:Limits:PublishBurstPerClient"],
    };

    /// <summary>
    /// A silo on its own serving HTTP at <paramref name="url"/> (its embedded localhost cluster, on free Orleans ports so
    /// it stays clear of any other silo on the machine), with the per-client limits of <see cref="OneAddressLoad"/>.
    /// </summary>
    public static Dictionary<string, string> OnItsOwn(string url)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["Orleans__Endpoints__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in OneAddressLoad)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    /// <summary>
    /// Per-client limits raised out of the way: every connection of a test or a benchmark comes from 127.0.0.1, which
    /// the limits would count as one client. (The limits have tests of their own.)
    /// </summary>
    public static IReadOnlyDictionary<string, string> OneAddressLoad { get; } = new Dictionary<string, string>
    {
        ["Notify:Limits:MaxConnectionsPerClient"] = "10000000",
        ["Notify:Limits:PublishesPerSecondPerClient"] = "10000000",
        ["Notify:Limits:PublishBurstPerClient"] = "10000000",
    };
}

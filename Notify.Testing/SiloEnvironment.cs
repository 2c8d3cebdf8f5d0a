using System.Globalization;
using Notify.Grains.Streaming;

namespace Notify.Testing;

/// <summary>The environment of a clustered silo process, as the AppHost gives it (Aspire's <c>Orleans__*</c> shape).</summary>
public static class SiloEnvironment
{
    /// <summary>
    /// A silo serving HTTP on <paramref name="httpPort"/> and Orleans on <paramref name="siloPort"/>, clustered through
    /// the store at <paramref name="store"/> (membership, stream pub-sub state, topics) with the others of
    /// <paramref name="clusterId"/>, as the AppHost gives it.
    /// </summary>
    public static Dictionary<string, string> For(int httpPort, int siloPort, string store, string clusterId, string serviceId) => new()
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        ["ConnectionStrings__store"] = store,
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
    };
}

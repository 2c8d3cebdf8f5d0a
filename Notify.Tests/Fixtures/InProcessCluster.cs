using Notify.Grains.Streaming;

namespace Notify.Tests.Fixtures;

/// <summary>
/// Two Notify.Api silos in this process, clustered through a real Garnet server as the AppHost clusters its silos
/// (membership, stream pub-sub state and topics in the store), for tests that must see inside both silos at once.
/// </summary>
public sealed class InProcessCluster : IAsyncLifetime
{
    private readonly GarnetServer _store = new();
    private readonly List<ClusteredApp> _silos = [];

    public IReadOnlyList<NotifyApp> Silos => _silos;

    public async Task InitializeAsync()
    {
        await _store.StartAsync();
        var clusterId = $"in-process-{Guid.NewGuid():N}";
        for (var i = 0; i < 2; i++)
        {
            var silo = new ClusteredApp(_store.ConnectionString, clusterId);
            _silos.Add(silo);
            await silo.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    /// <summary>A silo with the AppHost's <c>Orleans</c> section (what Aspire's <c>Orleans__*</c> variables say), on free ports.</summary>
    private sealed class ClusteredApp(string store, string clusterId) : NotifyApp(new Dictionary<string, string?>
    {
        ["ConnectionStrings:store"] = store,
        ["Orleans:ClusterId"] = clusterId,
        ["Orleans:ServiceId"] = clusterId,
        ["Orleans:Clustering:ProviderType"] = "Redis",
        ["Orleans:Clustering:ServiceKey"] = "store",
        [$"Orleans:GrainStorage:{NotifyProviderNames.PubSubStore}:ProviderType"] = "Redis",
        [$"Orleans:GrainStorage:{NotifyProviderNames.PubSubStore}:ServiceKey"] = "store",
        [$"Orleans:Streaming:{NotifyProviderNames.Streams}:ProviderType"] = NotifyProviderNames.DoorbellStreamsType,
        ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
    });
}

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
            var silo = new ClusteredApp($"silo-{i + 1}", _store.ConnectionString, clusterId);
            _silos.Add(silo);
            await silo.InitializeAsync();
        }
    }

    /// <summary>
    /// Stops both silos, then the store; fails if a silo logged a warning or error no test expected (its stop included;
    /// the second silo stops right after its peer left, which it may show).
    /// </summary>
    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var (silo, index) in _silos.Select((silo, index) => (silo, index)))
        {
            try
            {
                if (index > 0)
                {
                    silo.ExpectWarnings(ExpectedWarnings.PeerJustLeft); // the first silo has just stopped
                }
                else
                {
                    silo.ExpectWarnings(ExpectedWarnings.ForwardRefusedWhileStopping); // the other still runs and calls it
                    silo.ExpectWarnings(ExpectedWarnings.RejectionDroppedWhileStopping);
                }

                await silo.DisposeCheckingLogsAsync();
            }
            catch (InvalidOperationException unexpectedLogs)
            {
                failures.Add(unexpectedLogs); // stop the other silo and the store all the same
            }
        }

        await _store.DisposeAsync();
        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }
    }

    /// <summary>A silo configured as the AppHost configures its silos (<see cref="SiloEnvironment"/>), on free ports.</summary>
    private sealed class ClusteredApp(string name, string store, string clusterId) : NotifyApp(Settings(name, store, clusterId))
    {
        // The environment variables as configuration keys; Kestrel's endpoints are the test server's own.
        private static Dictionary<string, string?> Settings(string name, string store, string clusterId) =>
            SiloEnvironment.For(name, httpPort: 0, loadBalancerPort: 0, FreePort.Next(), store, clusterId, clusterId)
                .Where(setting => !setting.Key.StartsWith("Kestrel__", StringComparison.Ordinal))
                .ToDictionary(setting => setting.Key.Replace("__", ":", StringComparison.Ordinal), setting => (string?)setting.Value);
    }
}

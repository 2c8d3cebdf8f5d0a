using System.Net.Http.Json;

namespace Notify.Tests.Fixtures;

/// <summary>
/// The cluster as it runs in production, on loopback: a Garnet store, three silo processes using it for
/// Orleans clustering, stream pub-sub state and the topics, and the YARP gateway in front of them.
/// </summary>
public sealed class NotifyCluster : IAsyncLifetime, IAsyncDisposable
{
    public const int SiloCount = 3;

    /// <summary>The silos' names (<c>Orleans:Name</c>, the gateway's destination ids), by index: topics are owned by name.</summary>
    public static IReadOnlyList<string> SiloNames { get; } = [.. Enumerable.Range(1, SiloCount).Select(i => $"silo-{i}")];

    /// <summary>How long a silo or the gateway may take to answer its health check after it is started.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The Orleans service id of the test clusters; each has a cluster id of its own.</summary>
    public const string ServiceId = "notify-tests";

    private readonly List<(ChildProcess Process, SiloPorts Ports)> _silos = [];
    private ChildProcess _gateway = null!;

    public GarnetServer Store { get; } = new();

    /// <summary>This cluster's Orleans cluster id.</summary>
    public string ClusterId { get; } = $"notify-tests-{Guid.NewGuid():N}";

    /// <summary>The load balancer's address.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    public IReadOnlyList<ChildProcess> Silos => [.. _silos.Select(s => s.Process)];

    /// <summary>A silo's own address (bypassing the load balancer).</summary>
    public Uri SiloAddress(int index) => new($"http://127.0.0.1:{_silos[index].Ports.Http}/");

    public HttpClient CreateGatewayClient() => new() { BaseAddress = GatewayAddress, Timeout = TestTimeouts.Request };

    public HttpClient CreateSiloClient(int index) => new() { BaseAddress = SiloAddress(index), Timeout = TestTimeouts.Request };

    public async Task InitializeAsync()
    {
        await Store.StartAsync();
        for (var i = 0; i < SiloCount; i++)
        {
            var ports = new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next());
            _silos.Add((StartSilo(SiloNames[i], ports), ports));
        }

        for (var i = 0; i < SiloCount; i++)
        {
            await _silos[i].Process.WaitUntilHealthyAsync(new Uri(SiloAddress(i), "health"), StartTimeout);
        }

        var gatewayPort = FreePort.Next();
        _gateway = ChildProcess.StartProgram("gateway", "Notify.Gateway", GatewayEnvironment(gatewayPort));
        GatewayAddress = new Uri($"http://127.0.0.1:{gatewayPort}/");
        await _gateway.WaitUntilHealthyAsync(new Uri(GatewayAddress, "health"), StartTimeout);
        await WaitUntilTheGatewayRoutesToAllAsync();
    }

    /// <summary>The environment of a gateway in front of this cluster's silos, listening on <paramref name="port"/>.</summary>
    public Dictionary<string, string> GatewayEnvironment(int port)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        for (var i = 0; i < SiloCount; i++)
        {
            // The silo's load-balancer endpoint: HTTP/2 without TLS.
            environment[$"ReverseProxy__Clusters__silos__Destinations__{SiloNames[i]}__Address"] = $"http://127.0.0.1:{_silos[i].Ports.LoadBalancer}/";
        }

        return environment;
    }

    /// <summary>Restarts a stopped silo on its old port; it joins the cluster again.</summary>
    public async Task RestartSiloAsync(int index)
    {
        var (old, ports) = _silos[index];
        await old.DisposeAsync();
        var silo = StartSilo(old.Name, ports);
        _silos[index] = (silo, ports);
        await silo.WaitUntilHealthyAsync(new Uri(SiloAddress(index), "health"), StartTimeout);
    }

    /// <summary>Restarts a silo (killing it first if it still runs) and waits until the gateway routes to every silo again.</summary>
    public async Task RestoreSiloAsync(int index)
    {
        await RestartSiloAsync(index);
        await WaitUntilTheGatewayRoutesToAllAsync();
    }

    /// <summary>Waits until requests through the gateway reach every silo.</summary>
    public Task WaitUntilTheGatewayRoutesToAllAsync() => WaitUntilTheGatewayRoutesToAsync([.. Enumerable.Range(0, SiloCount)]);

    /// <summary>
    /// Waits until requests through the gateway reach exactly the given silos. Open streams through the gateway
    /// skew its balancing (it prefers the silo with fewer requests in flight): close them first.
    /// </summary>
    public async Task WaitUntilTheGatewayRoutesToAsync(IReadOnlyCollection<int> silos)
    {
        var expected = silos.ToHashSet();
        using var http = CreateGatewayClient();
        await Eventually.TrueAsync(async () =>
        {
            var seen = new HashSet<int>();
            for (var i = 0; i < 30; i++)
            {
                try
                {
                    using var response = await http.GetAsync("silo");
                    if (!response.IsSuccessStatusCode)
                    {
                        return false;
                    }

                    seen.Add(await SiloIndexOfAsync(response));
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }

            return seen.SetEquals(expected);
        }, $"the gateway routes to silos {string.Join(", ", silos.Select(i => i + 1))} only", TimeSpan.FromSeconds(60));
    }

    /// <summary>Which silo answered a <c>GET /silo</c>, by its HTTP port.</summary>
    public async Task<int> SiloIndexOfAsync(HttpResponseMessage response)
    {
        var status = await response.Content.ReadFromJsonAsync<SiloReport>();
        return _silos.FindIndex(s => status!.Address.StartsWith($"S127.0.0.1:{s.Ports.Silo}:", StringComparison.Ordinal));
    }

    /// <summary>The index of the silo with this Orleans address (<c>127.0.0.1:port@generation</c>); -1 when none has it.</summary>
    public int SiloIndexOf(string siloAddress) =>
        _silos.FindIndex(s => siloAddress.StartsWith($"127.0.0.1:{s.Ports.Silo}@", StringComparison.Ordinal));

    /// <summary>The silos' SSE connections on a topic, per silo index.</summary>
    public async Task<int[]> ConnectionsAsync(string topic) =>
        [.. (await StatusesAsync()).Select(status => status?.Topics.GetValueOrDefault(topic) ?? 0)];

    /// <summary>Which of <paramref name="topics"/> have their grain on each silo, per silo index.</summary>
    public async Task<IReadOnlyList<string>[]> HostedTopicsAsync(IEnumerable<string> topics) =>
        [.. (await StatusesAsync()).Select(status => (IReadOnlyList<string>)[.. topics.Where(t => status?.TopicGrainIds.Contains(t) == true)])];

    /// <summary>Each running silo's <c>GET /silo</c>, per silo index; null for a silo that is not running.</summary>
    private async Task<SiloReport?[]> StatusesAsync()
    {
        var statuses = new SiloReport?[SiloCount];
        for (var i = 0; i < SiloCount; i++)
        {
            if (!_silos[i].Process.HasExited)
            {
                using var http = CreateSiloClient(i);
                statuses[i] = await http.GetFromJsonAsync<SiloReport>("silo");
            }
        }

        return statuses;
    }

    /// <summary>What the processes wrote last, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _silos.Select(s => s.Process.RecentOutput).Append(_gateway?.RecentOutput ?? ""));

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        foreach (var (silo, _) in _silos)
        {
            await silo.DisposeAsync();
        }

        await Store.DisposeAsync();
    }

    private ChildProcess StartSilo(string name, SiloPorts ports) =>
        ChildProcess.StartProgram(name, "Notify.Api", SiloEnvironment.For(name, ports.Http, ports.LoadBalancer, ports.Silo, Store.ConnectionString, ClusterId, ServiceId));

    /// <summary>A silo's ports: public HTTP, the load balancer's HTTP/2, Orleans.</summary>
    private sealed record SiloPorts(int Http, int LoadBalancer, int Silo);
}

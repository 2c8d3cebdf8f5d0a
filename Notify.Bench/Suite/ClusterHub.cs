using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.Bench.Measure;

namespace Notify.Bench.Suite;

/// <summary>
/// Notify as deployed: Garnet as the store, three silos clustered through it with durable topics, and
/// Notify.Gateway in front; the benchmark talks to the gateway only. The same processes and settings as the
/// AppHost starts, each run from this build and stopped by its own process id.
/// </summary>
internal sealed class ClusterHub : IHub
{
    private const int SiloCount = 3;
    private const int GatewayStartAttempts = 3;

    private readonly string _clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _storeDirectory = Directory.CreateTempSubdirectory("notify-bench-store-").FullName;
    private readonly int _storePort = FreePort.Next();
    private int _gatewayPort;
    private readonly List<ChildProcess> _processes = [];

    public string Name => "cluster";

    public Uri TopicsUrl => new($"http://127.0.0.1:{_gatewayPort}/topics");

    public IReadOnlyList<ServerProcess> Processes => [.. _processes.Select(p => new ServerProcess(p.ProcessId, p.Name))];

    public int? LoadBalancerProcessId => _processes.FirstOrDefault(p => p.Name == "gateway")?.ProcessId;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = Start(ChildProcess.Start("garnet", GarnetTool.StartInfo(_storePort, _storeDirectory, memory: "1g", index: "64m")));
        await WaitForPortAsync(_storePort, store, cancellationToken);

        var siloPorts = Enumerable.Range(0, SiloCount).Select(_ => (Http: FreePort.Next(), LoadBalancer: FreePort.Next())).ToList();
        foreach (var ((port, loadBalancerPort), index) in siloPorts.Select((p, i) => (p, i)))
        {
            var environment = SiloEnvironment.For($"silo-{index + 1}", port, loadBalancerPort, FreePort.Next(), $"127.0.0.1:{_storePort}", _clusterId, "notify-bench");
            environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var silo = Start(ChildProcess.StartProgram($"silo-{index + 1}", "Notify.Api", environment));
            await silo.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), TimeSpan.FromSeconds(90), cancellationToken);
        }

        await StartGatewayAsync([.. siloPorts.Select(p => p.LoadBalancer)], cancellationToken);
        await WaitUntilTheGatewayReachesEverySiloAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the gateway on a port chosen just before: one chosen when the run began could be taken meanwhile by one of
    /// the silos' outgoing connections (both come from the same range), and the gateway would exit unable to listen
    /// (seen in two suites). Should that still happen, it is started again on another port.
    /// </summary>
    private async Task StartGatewayAsync(IReadOnlyList<int> siloLoadBalancerPorts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            _gatewayPort = FreePort.Next();
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_gatewayPort}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
            };
            for (var i = 0; i < siloLoadBalancerPorts.Count; i++)
            {
                environment[$"ReverseProxy__Clusters__silos__Destinations__silo-{i + 1}__Address"] = $"http://127.0.0.1:{siloLoadBalancerPorts[i]}/";
            }

            var gateway = Start(ChildProcess.StartProgram("gateway", "Notify.Gateway", environment));
            try
            {
                await gateway.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_gatewayPort}/health"), TimeSpan.FromSeconds(30), cancellationToken);
                return;
            }
            catch (ExitedWhileStartingException exited) when (exited.PortWasTaken && attempt < GatewayStartAttempts)
            {
                Console.Error.WriteLine($"the gateway could not listen on {_gatewayPort} (taken meanwhile); starting it on another port");
                _processes.Remove(gateway);
                await gateway.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The gateway first, the store last: silos leave the cluster while the store still answers.
        var failures = new List<Exception>();
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            try
            {
                await _processes[i].StopAsync();
                await _processes[i].DisposeAsync();
            }
            catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                failures.Add(exception); // stop the others all the same
            }
        }

        Directory.Delete(_storeDirectory, recursive: true);
        if (failures.Count > 0)
        {
            throw new AggregateException("Some of the cluster's processes could not be stopped.", failures);
        }
    }

    private ChildProcess Start(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>Until the gateway's health checks have found every silo, some would get no traffic.</summary>
    private async Task WaitUntilTheGatewayReachesEverySiloAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (seen.Count < SiloCount)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The gateway reached {seen.Count} of {SiloCount} silos within a minute.");
            }

            try
            {
                // A new connection each time: the gateway balances connections, not requests on one.
                using var fresh = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };
                var status = await fresh.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{_gatewayPort}/silo"), cancellationToken);
                if (status.TryGetProperty("address", out var address) && address.GetString() is { } value)
                {
                    seen.Add(value);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task WaitForPortAsync(int port, ChildProcess process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"{process.Name} did not listen on {port}:\n{process.RecentOutput}");
    }
}

using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notify.AppHost.Store;

/// <summary>Adds a Garnet store to the application model.</summary>
public static class GarnetResourceExtensions
{
    private static readonly string[] ToolRun = ["tool", "run", "garnet-server", "--"];

    private static readonly string[] ServerOptions =
    [
        "--bind", "127.0.0.1",
        "--lua", "--lua-transaction-mode",                      // Lua scripts, each one atomic
        "--aof", "--aof-commit-freq", "0", "--aof-commit-wait", // a write is in the append-only file before it is acknowledged
        "--device-type", "RandomAccess",                        // managed file I/O: Garnet's native device needs libaio
        "--recover",                                            // a restart replays the append-only file
        "--memory", "1g", "--index", "64m", "-q",
    ];

    /// <summary>
    /// A durable Garnet store: Lua scripts run atomically (Orleans' Redis providers and Notify's topic log use
    /// them), every write is in the append-only file before it is acknowledged, and a restart recovers it
    /// from <paramref name="dataDirectory"/> (absolute, or relative to <paramref name="repositoryRoot"/>, where
    /// it runs <c>dotnet tool run garnet-server</c> from the repository's tool manifest). Healthy once it answers PING.
    /// </summary>
    public static IResourceBuilder<GarnetResource> AddGarnet(
        this IDistributedApplicationBuilder builder, string name, string repositoryRoot, string dataDirectory, int? port = null)
    {
        var garnet = new GarnetResource(name, repositoryRoot);
        var healthCheck = $"{name}-ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PingHealthCheck(garnet), failureStatus: null, tags: null));

        return builder.AddResource(garnet)
            .WithEndpoint(port: port, scheme: "tcp", name: GarnetResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                Directory.CreateDirectory(Path.Combine(repositoryRoot, dataDirectory));
                foreach (var argument in ToolRun)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("--port");
                context.Args.Add(garnet.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                foreach (var argument in ServerOptions)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("--checkpointdir");
                context.Args.Add(dataDirectory);
            })
            // Garnet's idle thread-pool workers spin for work before they block: on a machine it shares with the silos,
            // that took CPU from the threads completing its commits (docs/performance.md).
            .WithEnvironment("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>Healthy when the server answers PING.</summary>
    private sealed class PingHealthCheck(GarnetResource garnet) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var endpoint = garnet.PrimaryEndpoint;
                using var client = new TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, cancellationToken);
                return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("Unexpected answer to PING.");
            }
            catch (Exception exception) when (exception is SocketException or IOException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("Not answering yet.", exception);
            }
        }
    }
}

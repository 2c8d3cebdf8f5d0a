extern alias AppHostAssembly;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Tests.Fixtures;

namespace Notify.Tests.AppHost;

/// <summary>
/// The whole system as <c>dotnet run --project AppHost</c> starts it (the real orchestrator, store, silos and gateway),
/// on a free gateway port and a store directory of its own, every resource healthy; stopped and cleaned up on dispose.
/// </summary>
internal sealed class RunningAppHost : IAsyncDisposable
{
    /// <summary>The silos the AppHost starts by default.</summary>
    public static readonly string[] Silos = ["silo-1", "silo-2", "silo-3"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _storeDirectory;

    private RunningAppHost(DistributedApplication app, DirectoryInfo storeDirectory, CapturedLogs logs)
    {
        App = app;
        Logs = logs;
        _storeDirectory = storeDirectory;
    }

    public DistributedApplication App { get; }

    /// <summary>What the AppHost itself logged (the printed development token among it).</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The development token the AppHost printed: every topic.</summary>
    public string Token => Logs.Entries
        .Where(entry => entry.Category == "Notify.AppHost")
        .SelectMany(entry => entry.Values)
        .First(value => value.StartsWith("eyJ", StringComparison.Ordinal));

    /// <summary>A client of the gateway that sends <see cref="Token"/>.</summary>
    public HttpClient CreateAuthorizedClient()
    {
        var http = new HttpClient { BaseAddress = Gateway, Timeout = TestTimeouts.Request };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>The load balancer's address.</summary>
    public Uri Gateway => App.GetEndpoint("gateway", "http");

    public static async Task<RunningAppHost> StartAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var storeDirectory = Directory.CreateTempSubdirectory("notify-apphost-store-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHostAssembly::Projects.AppHost>(
            [$"--Notify:GatewayPort={FreePort.Next()}", $"--Notify:StoreDirectory={storeDirectory.FullName}"],
            timeout.Token);
        // The orchestrator's health checks fail, as they should, while resources start and stop: not worth printing.
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        var logs = new CapturedLogs();
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        // The testing builder starts no dashboard, yet points every service's OTLP exporter at it. Each export then
        // fails and is retried in memory, and a silo stopping with SIGTERM waited ~10 s for those retries before it
        // exited (16–17 s instead of the 2–4 s it takes with the dashboard there). No endpoint: no exporter.
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>())
        {
            resource.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
        }

        var app = await builder.BuildAsync(timeout.Token);
        var running = new RunningAppHost(app, storeDirectory, logs);
        try
        {
            await app.StartAsync(timeout.Token);
            foreach (var resource in Silos.Prepend("store").Append("gateway"))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }

            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
        _storeDirectory.Delete(recursive: true);
    }
}

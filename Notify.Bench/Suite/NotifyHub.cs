using Notify.Bench.Measure;

namespace Notify.Bench.Suite;

/// <summary>Notify in its single-silo embedded mode: one Notify.Api process from this build, in-memory topics.</summary>
internal sealed class NotifyHub : IHub
{
    private readonly int _port = FreePort.Next();
    private ChildProcess? _server;

    public string Name => "notify";

    public Uri TopicsUrl => new($"http://127.0.0.1:{_port}/topics");

    public IReadOnlyList<ServerProcess> Processes => _server is { } server ? [new ServerProcess(server.ProcessId, "notify")] : [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var environment = SiloEnvironment.OnItsOwn(TopicsUrl.GetLeftPart(UriPartial.Authority)); // the generator is one client
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        _server = ChildProcess.StartProgram("Notify.Api", "Notify.Api", environment);
        await _server.WaitUntilHealthyAsync(new Uri(TopicsUrl, "/health"), TimeSpan.FromSeconds(60), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }
}

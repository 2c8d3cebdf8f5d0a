using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Cluster;

/// <summary>
/// The gateway in front of two silos, one of which cannot be reached (it just died): every read still gets its answer,
/// because a read that could not be forwarded is tried once more on the other silo.
/// </summary>
public sealed class GatewayReadRetryTests : IAsyncLifetime
{
    private readonly int _port = FreePort.Next();
    private readonly NotifyApp _silo = new();
    private ChildProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        await _silo.InitializeAsync();
        _gateway = ChildProcess.StartProgram("gateway", "Notify.Gateway", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_port}",
            ["ReverseProxy__Clusters__silos__Destinations__dead__Address"] = $"http://127.0.0.1:{FreePort.Next()}/",
            ["ReverseProxy__Clusters__silos__Destinations__alive__Address"] = _silo.BaseAddress.ToString(),
            // The in-process silo serves HTTP/1.1 on its one endpoint (the AppHost's silos have an HTTP/2 one for the gateway).
            ["ReverseProxy__Clusters__silos__HttpRequest__Version"] = "1.1",
            ["ReverseProxy__Clusters__silos__HttpRequest__VersionPolicy"] = "RequestVersionOrLower",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await _gateway.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_port}/health"), TestTimeouts.Condition);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task ReadsThroughTheGateway_AllSucceed_WhileOneSiloCannotBeReached()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TestTimeouts.Request };
        var topic = Publisher.NewTopic("retried");
        for (var i = 0; i < 20; i++)
        {
            using var events = await http.GetAsync($"topics/{topic}/events");
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            using var subscribers = await http.GetAsync($"topics/{topic}/subscribers");
            Assert.Equal(HttpStatusCode.OK, subscribers.StatusCode);
        }

        Assert.Contains("Connection refused", _gateway.RecentOutput, StringComparison.Ordinal); // the dead silo was tried
    }
}

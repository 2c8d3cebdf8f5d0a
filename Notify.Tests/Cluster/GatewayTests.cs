using System.Net;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Cluster;

/// <summary>The gateway alone, in front of a silo that is not there.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private readonly int _port = FreePort.Next();
    private ChildProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = ChildProcess.StartProgram("gateway", "Notify.Gateway", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_port}",
            ["ReverseProxy__Clusters__silos__Destinations__gone__Address"] = $"http://127.0.0.1:{FreePort.Next()}/",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await _gateway.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_port}/health"), TestTimeouts.Condition);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task AnUnreachableSilo_GivesEventSourceAStreamThatAsksItToRetry_AndPublishersA503Problem()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/") };

        using var subscribe = new HttpRequestMessage(HttpMethod.Get, "topics/demo");
        subscribe.Headers.Accept.ParseAdd("text/event-stream");
        using var stream = await http.SendAsync(subscribe);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^retry: \d+\n\n$", await stream.Content.ReadAsStringAsync());

        using var publish = await http.PostAsync("topics/demo", new StringContent("x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, publish.StatusCode);
        Assert.Equal("application/problem+json", publish.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(publish.Headers.RetryAfter);
    }
}

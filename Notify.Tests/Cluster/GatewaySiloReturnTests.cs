using System.Diagnostics;
using System.Net;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// The gateway in front of two silo processes, one of which crashes while its topic is published to and then comes
/// back: the gateway gives up on it, and once it answers again it gets its topic's publishes back within about the
/// passive health check's reactivation period (10 s), and keeps them.
/// </summary>
public sealed class GatewaySiloReturnTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Returning = "returning";

    /// <summary>The reactivation period (10 s) after the last failed forward, plus a health check's interval and slack.
    /// YARP's default passive window held a returning silo out for 60–120 s.</summary>
    private static readonly TimeSpan ReturnBound = TimeSpan.FromSeconds(20);

    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _returningPort = FreePort.Next();
    private readonly NotifyApp _staying = new();
    private ChildProcess _gateway = null!;
    private ChildProcess _returning = null!;

    public async Task InitializeAsync()
    {
        await _staying.InitializeAsync();
        _returning = await StartReturningSiloAsync();
        _gateway = ChildProcess.StartProgram("gateway", "Notify.Gateway", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_gatewayPort}",
            ["ReverseProxy__Clusters__silos__Destinations__staying__Address"] = _staying.BaseAddress.ToString(),
            [$"ReverseProxy__Clusters__silos__Destinations__{Returning}__Address"] = $"http://127.0.0.1:{_returningPort}/",
            // Both silos here serve HTTP/1.1 on their one endpoint (the AppHost's silos have an HTTP/2 one for the gateway).
            ["ReverseProxy__Clusters__silos__HttpRequest__Version"] = "1.1",
            ["ReverseProxy__Clusters__silos__HttpRequest__VersionPolicy"] = "RequestVersionOrLower",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await _gateway.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_gatewayPort}/health"), TestTimeouts.Condition);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _returning.DisposeAsync();
        await _staying.DisposeAsync();
    }

    [Fact]
    public async Task ASiloThatCrashedAndCameBack_TakesItsTopicsPublishesAgainWithinTheReactivationPeriod_AndKeepsThem()
    {
        using var gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}/"), Timeout = TestTimeouts.Request };
        var topic = TopicOwnedBy(Returning);
        var epoch = await EpochOfTheReturningSiloAsync(topic);
        await Eventually.TrueAsync(async () => await TakenByAsync(gateway, topic) == epoch, "the topic's publishes go to its owner");

        // The crash, while its topic is published to: forwards to it fail until the gateway gives up on it.
        await _returning.KillAsync();
        var refused = 0;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await gateway.PublishRawAsync(topic, "during the crash");
            refused += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 1 : 0;
            return response.StatusCode == HttpStatusCode.Created;
        }, "the gateway sends the topic's publishes to the other silo");
        var lastFailure = Stopwatch.StartNew();
        Assert.Contains("by the passive health check", _gateway.RecentOutput, StringComparison.Ordinal); // what this test is about
        output.WriteLine($"{refused} publishes refused (503) before the gateway gave up on the crashed silo");

        _returning = await StartReturningSiloAsync();
        epoch = await EpochOfTheReturningSiloAsync(topic);
        output.WriteLine($"the silo answers again {lastFailure.Elapsed.TotalSeconds:F1} s after the last failed forward");
        await Eventually.TrueAsync(
            async () => await TakenByAsync(gateway, topic) == epoch,
            "the returned silo takes its topic's publishes again",
            ReturnBound + TimeSpan.FromSeconds(10));
        var returnedAfter = lastFailure.Elapsed;
        output.WriteLine($"its topic's publishes go to it again {returnedAfter.TotalSeconds:F1} s after the last failed forward");
        Assert.True(returnedAfter <= ReturnBound, $"the returned silo got its topic's publishes back only after {returnedAfter.TotalSeconds:F1} s");

        // It keeps them: its first forwards do not count the crash's failures again.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(epoch, await TakenByAsync(gateway, topic));
        }
    }

    /// <summary>A new topic that the returning silo owns among the two.</summary>
    private static string TopicOwnedBy(string name) => Publisher.NewTopicOwnedBy("returning", ["staying", Returning], name);

    /// <summary>Publishes through the gateway; the epoch of the id tells which silo's log took it (each silo has its own).</summary>
    private static async Task<string> TakenByAsync(HttpClient gateway, string topic) =>
        Publisher.EpochOf(await gateway.PublishAsync(topic, "through the gateway"));

    /// <summary>The epoch the returning silo gives the topic's events: published to it directly.</summary>
    private async Task<string> EpochOfTheReturningSiloAsync(string topic)
    {
        using var returning = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_returningPort}/"), Timeout = TestTimeouts.Request };
        return Publisher.EpochOf(await returning.PublishAsync(topic, "directly"));
    }

    /// <summary>A single-silo Notify.Api process on the returning silo's port (its own embedded cluster).</summary>
    private async Task<ChildProcess> StartReturningSiloAsync()
    {
        var silo = ChildProcess.StartProgram(Returning, "Notify.Api", SiloEnvironment.OnItsOwn($"http://127.0.0.1:{_returningPort}"));
        await silo.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_returningPort}/health"), TestTimeouts.Condition);
        return silo;
    }
}

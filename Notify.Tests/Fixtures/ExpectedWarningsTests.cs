using Microsoft.Extensions.Logging;

namespace Notify.Tests.Fixtures;

/// <summary>The one expected warning that reads a figure out of Orleans' message: a wrong parse must not excuse a slow stop.</summary>
public sealed class ExpectedWarningsTests
{
    [Theory]
    [InlineData("00:00:01.1298248", true)]
    [InlineData("00:00:01.4999999", true)]
    [InlineData("00:00:02.0031000", false)] // a stop held by a doorbell wait
    [InlineData("00:00:10", false)]
    public void ASlowGrainDeactivation_IsExpectedOnlyBelowTheBound(string elapsed, bool expected)
    {
        var entry = new CapturedLogs.Entry(
            "Orleans.Runtime.SiloLifecycleSubject", LogLevel.Warning,
            $"'Orleans.Runtime.Silo' stopped in stage 'GrainDeactivation (19998)' in '{elapsed}'.", null, []);

        Assert.Equal(expected, ExpectedWarnings.SlowGrainDeactivation(entry, under: TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public void AnotherSlowStage_IsNotExpected()
    {
        var entry = new CapturedLogs.Entry(
            "Orleans.Runtime.SiloLifecycleSubject", LogLevel.Warning,
            "'Orleans.Runtime.Silo' stopped in stage 'RuntimeGrainServices (8000)' in '00:00:01.1000000'.", null, []);

        Assert.False(ExpectedWarnings.SlowGrainDeactivation(entry, under: TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public void ADoorbellWaitAsTheSiloStops_IsRecognised_AndOnlyForADoorbell()
    {
        var registration = new CapturedLogs.Entry(
            "Orleans.Grain", LogLevel.Warning,
            "Failed to register grain [Activation: S127.0.0.1:45349:155173880/queuedoorbell/TopicStreams/7@25d5 State=Creating] in grain directory",
            null, []);
        var forward = new CapturedLogs.Entry(
            "Orleans.Messaging", LogLevel.Error,
            "Failed to address message Request [S127.0.0.1:45349:155173880 sys.svc.stream.agent]->[ queuedoorbell/TopicStreams/6] WaitAsync #0F[ForwardCount=1]",
            new SiloUnavailableException("shutting down"), []);
        var topicRegistration = registration with { Message = "Failed to register grain [Activation: S127.0.0.1:45349:155173880/topic/demo@25d5 State=Creating] in grain directory" };

        Assert.True(ExpectedWarnings.DoorbellWaitAsSiloStops(registration));
        Assert.True(ExpectedWarnings.DoorbellWaitAsSiloStops(forward));
        Assert.False(ExpectedWarnings.DoorbellWaitAsSiloStops(topicRegistration));
        Assert.False(ExpectedWarnings.DoorbellWaitAsSiloStops(forward with { Exception = new TimeoutException() }));
    }
}

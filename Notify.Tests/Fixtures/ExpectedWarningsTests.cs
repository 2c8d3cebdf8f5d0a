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
    public void ADepartedPeersResetConnection_AndACallToItThatCouldNotBeCancelled_AreItsLeaving_AndNothingElse()
    {
        var reset = new CapturedLogs.Entry(
            "Orleans.Runtime.Messaging.Connection", LogLevel.Warning,
            "Exception while processing messages from remote endpoint 127.0.0.1:37623", new Microsoft.AspNetCore.Connections.ConnectionResetException("reset"), []);
        var cancellation = new CapturedLogs.Entry(
            "Orleans.Runtime.GrainCallCancellationManager", LogLevel.Error,
            "Error while cancelling 1 requests to S127.0.0.1:37623:155282908", new SiloUnavailableException(), []);

        Assert.True(ExpectedWarnings.SiloLeft(reset));
        Assert.True(ExpectedWarnings.SiloLeft(cancellation));
        Assert.False(ExpectedWarnings.SiloLeft(reset with { Exception = new InvalidOperationException() }));
        Assert.False(ExpectedWarnings.SiloLeft(cancellation with { Exception = new TimeoutException() }));
    }

    [Fact]
    public void ASlowClusterHealthMonitorStop_IsAPeerJustLeaving_ButAnotherSlowStageIsNot()
    {
        var healthMonitor = new CapturedLogs.Entry(
            "Orleans.Runtime.SiloLifecycleSubject", LogLevel.Warning,
            "'ClusterHealthMonitor' stopped in stage 'ValidateInitialConnectivity (19900)' in '00:00:01.1672683'.", null, []);

        Assert.True(ExpectedWarnings.PeerJustLeft(healthMonitor));
        Assert.False(ExpectedWarnings.PeerJustLeft(healthMonitor with { Message = "'Orleans.Runtime.Silo' stopped in stage 'RuntimeGrainServices (8000)' in '00:00:01.1000000'." }));
        Assert.False(ExpectedWarnings.SiloLeft(healthMonitor)); // only at a teardown right after the peer left
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

    [Fact]
    public void AStreamLateAfterAStall_IsRecognised_AndNoOtherFanOutWarning()
    {
        var behind = new CapturedLogs.Entry(
            "Notify.Api.Subscriptions.TopicFanout", LogLevel.Warning,
            "Topic orders.bbc8445d02fa4cf9b2ec9ebb9c58b4cb: the stream is at 3lejk8btvi:0 but the grain is at 3lejk8btvi:1; reading the rest from the grain",
            null, []);
        var repairFailed = behind with { Message = "Topic orders: could not read missing events from the grain; will retry" };
        var streamError = behind with { Message = "Topic orders: the stream reported an error" };

        Assert.True(ExpectedWarnings.StreamLateAfterAStall(behind));
        Assert.False(ExpectedWarnings.StreamLateAfterAStall(repairFailed));
        Assert.False(ExpectedWarnings.StreamLateAfterAStall(streamError));
        Assert.False(ExpectedWarnings.StreamLateAfterAStall(behind with { Category = "Notify.Api.Subscriptions.SubscriptionRegistry" }));
    }
}

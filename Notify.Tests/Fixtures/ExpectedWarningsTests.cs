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
}

using Notify.Client;

namespace Notify.Tests.Client;

/// <summary>The waits between tries: never sooner than the server asked, doubling while failing, capped, jittered.</summary>
public sealed class ReconnectPolicyTests
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0.0, 1, 3_000)]
    [InlineData(0.0, 2, 6_000)]
    [InlineData(0.0, 4, 24_000)]
    [InlineData(0.0, 5, 30_000)] // capped
    [InlineData(0.0, 500, 30_000)] // no overflow
    [InlineData(0.999999, 1, 4_500)] // spread by up to half again
    [InlineData(0.999999, 9, 45_000)]
    public void TheWait_IsTheRetryIntervalDoubledPerFailure_CappedThenSpread(double random, int failures, int milliseconds)
    {
        var policy = new ReconnectPolicy(Max, () => random);
        Assert.Equal(milliseconds, policy.DelayAfter(failures, TimeSpan.FromSeconds(3)).TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void RetryAfter_IsHonouredEvenAboveTheBackOffAndTheCap()
    {
        var policy = new ReconnectPolicy(Max, () => 0);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.DelayAfter(1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayAfter(1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.DelayAfter(4, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void AnIntervalAboveTheCap_IsStillHonoured_AndZeroDoesNotSpin()
    {
        var policy = new ReconnectPolicy(TimeSpan.FromSeconds(1), () => 0);
        Assert.Equal(TimeSpan.FromSeconds(3), policy.DelayAfter(3, TimeSpan.FromSeconds(3)));
        Assert.Equal(ReconnectPolicy.MinDelay, policy.DelayAfter(1, TimeSpan.Zero));
    }

    [Fact]
    public void TheSpread_StaysWithinHalfAgain_WithTheRealRandomSource()
    {
        var policy = new ReconnectPolicy(Max);
        var waits = Enumerable.Range(0, 1_000).Select(_ => policy.DelayAfter(1, TimeSpan.FromSeconds(1))).ToList();
        Assert.All(waits, wait => Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)));
        Assert.True(waits.Distinct().Count() > 900, "the waits are spread, not equal");
    }
}

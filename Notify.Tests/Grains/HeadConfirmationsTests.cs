using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

/// <summary>When a topic grain confirms a head check against its log: only for a while after a membership change, spaced.</summary>
public sealed class HeadConfirmationsTests
{
    private static readonly MembershipVersion AtActivation = new(7);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void WithoutAMembershipChangeSinceActivation_NoHeadCheckIsConfirmed()
    {
        var confirmations = new HeadConfirmations(_time, AtActivation);

        for (var check = 0; check < 20; check++)
        {
            Assert.False(confirmations.IsDue(AtActivation));
            _time.Advance(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void AfterAChange_TheFirstCheckIsConfirmed_ThenAtMostOncePerSpacing_UntilTheWindowEnds()
    {
        var confirmations = new HeadConfirmations(_time, AtActivation);
        var changed = new MembershipVersion(8);
        var confirmedAt = new List<TimeSpan>();

        // Head checks from three silos, each every 5 s, a second apart.
        for (var elapsed = TimeSpan.Zero; elapsed < HeadConfirmations.Window + TimeSpan.FromSeconds(30); elapsed += TimeSpan.FromSeconds(1))
        {
            if (confirmations.IsDue(changed))
            {
                confirmedAt.Add(elapsed);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(Enumerable.Range(0, (int)(HeadConfirmations.Window / HeadConfirmations.Spacing)).Select(i => i * HeadConfirmations.Spacing), confirmedAt);
    }

    [Fact]
    public void AnotherChange_OpensTheWindowAgain()
    {
        var confirmations = new HeadConfirmations(_time, AtActivation);
        Assert.True(confirmations.IsDue(new MembershipVersion(8)));
        _time.Advance(HeadConfirmations.Window);
        Assert.False(confirmations.IsDue(new MembershipVersion(8)));

        Assert.True(confirmations.IsDue(new MembershipVersion(9)));
    }
}

using Notify.Api.Subscriptions;

namespace Notify.Tests.Subscriptions;

/// <summary>When a fan-out checks its topic's head, tick by tick of the silo's clock.</summary>
public sealed class HeadCheckScheduleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void AQuietTopic_IsCheckedHalfAsOftenEachTime_DownToTheQuietInterval_AndAnEventBringsItBack()
    {
        var checks = new List<int>();
        var now = 0;
        var schedule = new HeadCheckSchedule(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), () => checks.Add(now), () => false);

        for (now = 1; now <= 125; now++)
        {
            schedule.Tick(Second);
        }

        Assert.Equal([5, 15, 35, 65, 95, 125], checks);

        // Events since the last check: the next due check comes at the quiet interval, and after it every 5 s again.
        checks.Clear();
        schedule.EventArrived();
        for (now = 126; now <= 170; now++)
        {
            if (now is 140 or 150 or 160)
            {
                schedule.EventArrived();
            }

            schedule.Tick(Second);
        }

        Assert.Equal([155, 160, 165], checks);
    }

    [Fact]
    public void CheckSoon_ChecksAtTheNextTick_AndEagerChecksAtEveryTick()
    {
        var checks = 0;
        var eager = false;
        var schedule = new HeadCheckSchedule(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), () => checks++, () => eager);

        schedule.Tick(Second);
        Assert.Equal(0, checks);
        schedule.CheckSoon();
        schedule.Tick(Second);
        Assert.Equal(1, checks);
        schedule.Tick(Second);
        Assert.Equal(1, checks);

        eager = true;
        schedule.Tick(Second);
        schedule.Tick(Second);
        Assert.Equal(3, checks);
    }
}

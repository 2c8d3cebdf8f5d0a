using System.Text;
using Notify.Grains.Events;

namespace Notify.Tests.Grains;

public class RecentEventBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TopicEvent Event(long sequence, int size = 1, DateTimeOffset? at = null) =>
        new(new EventPosition("e", sequence), null, Encoding.UTF8.GetBytes(new string('x', size)), at ?? T0);

    [Fact]
    public void Empty_FirstIsAfterLast()
    {
        var buffer = new RecentEventBuffer(10, TimeSpan.FromHours(1), 1_000);
        Assert.Equal(0, buffer.LastSequence);
        Assert.Equal(1, buffer.FirstSequence);
        Assert.Empty(buffer.CopyAfter(0, 100, 1_000));
    }

    [Fact]
    public void Append_BeyondMaxEvents_DropsOldestAndKeepsOrderAcrossWrapAround()
    {
        var buffer = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000);
        for (var i = 1; i <= 13; i++)
        {
            buffer.Append(Event(i));
        }

        Assert.Equal(5, buffer.Count);
        Assert.Equal(9, buffer.FirstSequence);
        Assert.Equal(13, buffer.LastSequence);
        Assert.Equal([9, 10, 11, 12, 13], buffer.CopyAfter(0, 100, 1_000).Select(e => e.Position.Sequence));
        Assert.Equal([11, 12, 13], buffer.CopyAfter(10, 100, 1_000).Select(e => e.Position.Sequence));
        Assert.Empty(buffer.CopyAfter(13, 100, 1_000));
    }

    [Fact]
    public void Append_OutOfSequence_Throws()
    {
        var buffer = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000);
        buffer.Append(Event(1));
        Assert.Throws<ArgumentException>(() => buffer.Append(Event(3)));
        Assert.Throws<ArgumentException>(() => buffer.Append(Event(1)));
    }

    [Fact]
    public void Append_BeyondMaxBytes_DropsOldestButKeepsTheNewest()
    {
        var buffer = new RecentEventBuffer(100, TimeSpan.FromHours(1), 10);
        buffer.Append(Event(1, size: 4));
        buffer.Append(Event(2, size: 4));
        Assert.Equal(2, buffer.Count);
        buffer.Append(Event(3, size: 4)); // 12 bytes > 10: event 1 goes
        Assert.Equal([2, 3], buffer.CopyAfter(0, 100, 1_000).Select(e => e.Position.Sequence));
        Assert.Equal(8, buffer.Bytes);
        buffer.Append(Event(4, size: 50)); // alone over the limit: still kept
        Assert.Equal([4], buffer.CopyAfter(0, 100, 1_000).Select(e => e.Position.Sequence));
    }

    [Fact]
    public void TrimExpired_DropsEventsOlderThanMaxAge()
    {
        var buffer = new RecentEventBuffer(100, TimeSpan.FromMinutes(10), 1_000);
        buffer.Append(Event(1, at: T0));
        buffer.Append(Event(2, at: T0.AddMinutes(5)));
        buffer.Append(Event(3, at: T0.AddMinutes(9)));

        buffer.TrimExpired(T0.AddMinutes(12));
        Assert.Equal(2, buffer.FirstSequence);

        buffer.TrimExpired(T0.AddMinutes(15));
        Assert.Equal(3, buffer.FirstSequence);

        buffer.TrimExpired(T0.AddMinutes(30));
        Assert.Equal(0, buffer.Count);
        Assert.Equal(4, buffer.FirstSequence);
        Assert.Equal(3, buffer.LastSequence);
        Assert.Equal(0, buffer.Bytes);
    }

    [Fact]
    public void CopyAfter_StopsAtMaxEventsAndMaxBytes_ButReturnsAtLeastOne()
    {
        var buffer = new RecentEventBuffer(100, TimeSpan.FromHours(1), 10_000);
        for (var i = 1; i <= 10; i++)
        {
            buffer.Append(Event(i, size: 10));
        }

        Assert.Equal([1, 2, 3], buffer.CopyAfter(0, 3, 10_000).Select(e => e.Position.Sequence));
        Assert.Equal([5, 6], buffer.CopyAfter(4, 100, 25).Select(e => e.Position.Sequence));
        Assert.Equal([5], buffer.CopyAfter(4, 100, 1).Select(e => e.Position.Sequence));
    }

    [Fact]
    public void Capacity_GrowsWithContentsNotUpFront()
    {
        var buffer = new RecentEventBuffer(1_000_000, TimeSpan.FromHours(1), long.MaxValue);
        for (var i = 1; i <= 100; i++)
        {
            buffer.Append(Event(i));
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), buffer.CopyAfter(0, 1_000, long.MaxValue).Select(e => e.Position.Sequence));
    }

    [Fact]
    public void SequenceBefore_FindsTheFirstEventAtOrAfterTheInstant_AndKnowsWhetherADroppedOneWasThatLate()
    {
        var buffer = new RecentEventBuffer(3, TimeSpan.FromHours(1), 1_000);
        for (var i = 1; i <= 5; i++)
        {
            buffer.Append(Event(i, at: T0.AddSeconds(i))); // 1 and 2 are dropped
        }

        Assert.Equal((3, false), (buffer.SequenceBefore(T0.AddSeconds(4), out var lost), lost)); // 4 and 5
        Assert.Equal((2, false), (buffer.SequenceBefore(T0.AddSeconds(2.5), out lost), lost)); // all kept; none dropped that late
        Assert.Equal((2, true), (buffer.SequenceBefore(T0.AddSeconds(2), out lost), lost));    // event 2 was published then, and dropped
        Assert.Equal((5, false), (buffer.SequenceBefore(T0.AddSeconds(9), out lost), lost));   // none yet: live from the head
    }

    [Fact]
    public void SequenceBefore_AfterAReload_TreatsEverythingBeforeTheOldestKeptAsPossiblyLost()
    {
        var buffer = new RecentEventBuffer(10, TimeSpan.FromHours(1), 1_000);
        buffer.Reset(7); // events 1-7 exist in no buffer: when they were published is not known
        buffer.Append(Event(8, at: T0.AddSeconds(8)));
        buffer.Append(Event(9, at: T0.AddSeconds(9)));

        Assert.Equal((7, true), (buffer.SequenceBefore(T0.AddSeconds(8), out var lost), lost));
        Assert.Equal((8, false), (buffer.SequenceBefore(T0.AddSeconds(8.5), out lost), lost));
    }

    [Fact]
    public void KeepFrom_KeepsThoseEventsBeyondTheCountLimit_AndDropsOlderOnes()
    {
        var buffer = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000);
        for (var i = 1; i <= 5; i++)
        {
            buffer.Append(Event(i));
        }

        buffer.KeepFrom(3); // the stream has not carried 3 and what follows
        for (var i = 6; i <= 20; i++)
        {
            buffer.Append(Event(i));
        }

        Assert.Equal(Enumerable.Range(3, 18).Select(i => (long)i), buffer.CopyAfter(0, 100, 1_000).Select(e => e.Position.Sequence));
        Assert.Equal(3, buffer.FirstSequence);
    }

    [Fact]
    public void KeepFrom_Null_LetsThemGo_AtOnce()
    {
        var buffer = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000);
        buffer.KeepFrom(1);
        for (var i = 1; i <= 12; i++)
        {
            buffer.Append(Event(i));
        }

        buffer.KeepFrom(null);
        Assert.Equal([8, 9, 10, 11, 12], buffer.CopyAfter(0, 100, 1_000).Select(e => e.Position.Sequence));

        buffer.Append(Event(13));
        Assert.Equal(9, buffer.FirstSequence);
    }

    [Fact]
    public void KeepFrom_ALaterSequence_DropsTheEventsBeforeItThatAreBeyondTheLimit()
    {
        var buffer = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000);
        buffer.KeepFrom(1);
        for (var i = 1; i <= 12; i++)
        {
            buffer.Append(Event(i));
        }

        buffer.KeepFrom(10);
        Assert.Equal(8, buffer.FirstSequence); // down to the limit: 10 and after are within it
        for (var i = 13; i <= 16; i++)
        {
            buffer.Append(Event(i));
        }

        Assert.Equal(10, buffer.FirstSequence);
        Assert.Equal(7, buffer.Count);
    }

    [Fact]
    public void KeepFrom_IsBounded_ByTenTimesTheCount_TheBytes_AndTheAge()
    {
        var byCount = new RecentEventBuffer(5, TimeSpan.FromHours(1), 1_000_000);
        byCount.KeepFrom(1);
        for (var i = 1; i <= 80; i++)
        {
            byCount.Append(Event(i));
        }

        Assert.Equal(5 * RecentEventBuffer.KeptLimitFactor, byCount.Count);
        Assert.Equal(31, byCount.FirstSequence);

        var byBytes = new RecentEventBuffer(5, TimeSpan.FromHours(1), 100);
        byBytes.KeepFrom(1);
        for (var i = 1; i <= 30; i++)
        {
            byBytes.Append(Event(i, size: 10));
        }

        Assert.Equal(10, byBytes.Count);

        var byAge = new RecentEventBuffer(5, TimeSpan.FromSeconds(10), 1_000);
        byAge.KeepFrom(1);
        for (var i = 1; i <= 8; i++)
        {
            byAge.Append(Event(i, at: T0.AddSeconds(i)));
        }

        byAge.TrimExpired(T0.AddSeconds(14));
        Assert.Equal(5, byAge.FirstSequence);
    }
}

using Notify.Bench.Load;

namespace Notify.Bench.Tests;

/// <summary>
/// What Notify.Bench calls out of order when several publishes of a topic are in flight: only an event that
/// arrives after one published later than its own acknowledgement.
/// </summary>
public sealed class TopicOrderTests
{
    [Fact]
    public void EventsInFlightTogether_OweNoOrder_ButAnAcknowledgedOneMustComeFirst()
    {
        var order = new TopicOrder();

        order.Sending(1);
        order.Sending(2);     // 1 and 2 in flight together: either order is right
        order.Settled(2);
        order.Sending(3);     // 1 not acknowledged yet: 3 owes nothing to it
        order.Settled(1);
        order.Sending(4);     // 1 and 2 acknowledged: 4 must follow both
        order.Settled(3);
        order.Settled(4);
        order.Sending(5);     // everything before acknowledged

        Assert.Equal(0, order.MustFollow(1));
        Assert.Equal(0, order.MustFollow(2));
        Assert.Equal(0, order.MustFollow(3)); // 2 was acknowledged, but 1 (before it) was not
        Assert.Equal(2, order.MustFollow(4));
        Assert.Equal(4, order.MustFollow(5));
    }

    [Fact]
    public void Sequential_EachEventFollowsAllBefore() =>
        Assert.Equal(41, TopicOrder.Sequential.MustFollow(42));

    [Fact]
    public void AFailedPublish_IsNeverSettled_SoNothingLaterIsHeldToFollowIt()
    {
        using var lane = new TopicLane(0, new Uri("http://127.0.0.1/topics"), "t", subscribers: 1);

        var first = lane.NextToSend();
        lane.Fail(); // timed out: the hub may still have stored it, and deliver it late
        var second = lane.NextToSend();
        lane.Acknowledge(second);
        var third = lane.NextToSend();

        Assert.Equal(0, lane.Order.MustFollow(third)); // not held to follow the failed one, nor what came after it
        Assert.Equal(1, lane.Failed);
        Assert.False(lane.Acknowledged.Contains(first));
        Assert.True(lane.Acknowledged.Contains(second));
    }
}

using Notify.Grains.Streaming;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

[Collection(UsesTopicCluster.Name)]
public sealed class QueueDoorbellGrainTests(TopicClusterFixture fixture)
{
    private IQueueDoorbellGrain NewDoorbell() => fixture.Client.GetGrain<IQueueDoorbellGrain>($"test/{Guid.NewGuid():N}");

    [Fact]
    public async Task Wait_ReturnsWhenRung_NotWhenTheWaitEnds()
    {
        var doorbell = NewDoorbell();
        var seen = await doorbell.WaitAsync(-1, TimeSpan.FromSeconds(19));

        var waiting = doorbell.WaitAsync(seen, TimeSpan.FromSeconds(19));
        Assert.False(waiting.IsCompleted);
        await doorbell.RingAsync();

        Assert.Equal(seen + 1, await waiting.WaitAsync(TestTimeouts.Event));
    }

    [Fact]
    public async Task Wait_WhenRungSinceTheCountWasSeen_ReturnsAtOnce()
    {
        var doorbell = NewDoorbell();
        var seen = await doorbell.WaitAsync(-1, TimeSpan.Zero);
        await doorbell.RingAsync();
        await Eventually.TrueAsync(
            async () => await doorbell.WaitAsync(-1, TimeSpan.Zero) != seen,
            "the (one-way) ring has been counted");

        // The ring happened before this wait started: it must not wait for another.
        Assert.Equal(seen + 1, await doorbell.WaitAsync(seen, TimeSpan.FromSeconds(19)).WaitAsync(TestTimeouts.Event));
    }

    [Fact]
    public async Task Wait_WithoutRing_ReturnsTheSameCountAfterTheWait()
    {
        var doorbell = NewDoorbell();
        var seen = await doorbell.WaitAsync(-1, TimeSpan.Zero);

        Assert.Equal(seen, await doorbell.WaitAsync(seen, TimeSpan.FromMilliseconds(50)));
    }
}

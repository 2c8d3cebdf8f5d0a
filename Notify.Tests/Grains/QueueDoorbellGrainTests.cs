using Notify.Grains.Streaming;
using Notify.Tests.Fixtures;
using Orleans.Streams;

namespace Notify.Tests.Grains;

/// <summary>The doorbell grain passes a producer's ring on to the silos whose readers listen, while their lease lasts.</summary>
[Collection(UsesTopicCluster.Name)]
public sealed class QueueDoorbellGrainTests(TopicClusterFixture fixture)
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ARing_ReachesTheListeningReader_ThroughItsObserver()
    {
        var doorbell = NewDoorbell();
        var reader = await NewReaderAsync();
        await doorbell.ListenAsync(reader.Reference, reader.Queue, LongLease);

        await doorbell.RingAsync();

        await reader.RungAsync(1);
    }

    [Fact]
    public async Task AReaderWhoseLeaseHasEnded_IsNotRung_WhileOneWithALease_Is()
    {
        var doorbell = NewDoorbell();
        var lapsed = await NewReaderAsync();
        var listening = await NewReaderAsync();
        await doorbell.ListenAsync(lapsed.Reference, lapsed.Queue, TimeSpan.Zero);
        await doorbell.ListenAsync(listening.Reference, listening.Queue, LongLease);

        await doorbell.RingAsync();
        await listening.RungAsync(1);
        await doorbell.RingAsync();
        await listening.RungAsync(2); // the doorbell has sent both rings: any for the lapsed reader went with them

        Assert.Equal(0, lapsed.Signal.Rings);
    }

    [Fact]
    public async Task AReaderThatListensAgain_IsRungOncePerRing()
    {
        var doorbell = NewDoorbell();
        var reader = await NewReaderAsync();
        await doorbell.ListenAsync(reader.Reference, reader.Queue, LongLease);
        await doorbell.ListenAsync(reader.Reference, reader.Queue, LongLease); // a renewed lease, not a second listener

        await doorbell.RingAsync();
        await reader.RungAsync(1);
        await doorbell.RingAsync();
        await reader.RungAsync(2);

        Assert.Equal(2, reader.Signal.Rings);
    }

    private IQueueDoorbellGrain NewDoorbell() => fixture.Client.GetGrain<IQueueDoorbellGrain>($"test/{Guid.NewGuid():N}");

    /// <summary>A silo's readers as the doorbell sees them (an observer on the test's client), reading one queue.</summary>
    private async Task<Reader> NewReaderAsync()
    {
        var queue = QueueId.GetQueueId("test", 0, 0); // each reader is a silo of its own: one queue name serves all
        var readers = new LocalQueueReaders(local => fixture.Client.CreateObjectReference<IQueueReadersObserver>(local));
        var signal = new QueueReaderSignal(TimeProvider.System);
        readers.Add(queue, signal);
        return new Reader(readers, await readers.ReferenceAsync(), queue, signal);
    }

    /// <summary>The readers object (kept alive here: Orleans holds observers weakly), its reference, the queue and its reader's signal.</summary>
    private sealed record Reader(LocalQueueReaders Readers, IQueueReadersObserver Reference, QueueId Queue, QueueReaderSignal Signal)
    {
        public Task RungAsync(long rings) =>
            Eventually.TrueAsync(() => Signal.Rings >= rings, $"the reader was rung {rings} time(s)", TestTimeouts.Event);
    }
}

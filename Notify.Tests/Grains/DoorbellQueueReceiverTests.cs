using Microsoft.Extensions.Time.Testing;
using Notify.Grains.Streaming;
using Notify.Tests.Fixtures;
using Orleans.Streams;

namespace Notify.Tests.Grains;

/// <summary>
/// The stream queue's reader: it waits for a ring after a read that emptied its queue, wakes on a ring from its own silo
/// or through the doorbell, misses no ring, and listens at the doorbell once per read wait.
/// </summary>
public sealed class DoorbellQueueReceiverTests
{
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(2);
    private static readonly QueueId Queue = QueueId.GetQueueId("test", 3, 0);

    private readonly FakeTimeProvider _time = new();
    private readonly LocalQueueReaders _readers = new(readers => readers); // the object is its own reference here
    private readonly RecordingDoorbell _doorbell = new();

    [Fact]
    public async Task TheFirstRead_ListensAtTheDoorbell_AndReadsAtOnce()
    {
        var queue = new ScriptedQueue(1);
        var receiver = await StartAsync(queue);

        Assert.Single(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        await Eventually.TrueAsync(() => _doorbell.Listens.Count == 1, "the reader told the doorbell it listens");
        Assert.Equal(((IQueueReadersObserver)_readers, Queue, ReadWait * 3), _doorbell.Listens[0]);
    }

    [Fact]
    public async Task AfterAReadThatEmptiedTheQueue_TheNextRead_WaitsForARingFromThisSilo()
    {
        var queue = new ScriptedQueue(1, 2);
        var receiver = await StartAsync(queue);
        Assert.Single(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));

        var read = receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        Assert.False(read.IsCompleted); // waiting, not reading
        Assert.Equal(1, queue.Reads);

        Assert.True(_readers.TryRing(Queue)); // a producer on this silo
        Assert.Equal(2, (await read.WaitAsync(TestTimeouts.Event)).Count);
    }

    [Fact]
    public async Task ARingThroughTheDoorbell_FromAProducerOnAnotherSilo_WakesTheReader()
    {
        var queue = new ScriptedQueue(0, 1);
        var receiver = await StartAsync(queue);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));

        var read = receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        Assert.False(read.IsCompleted);
        await ((IQueueReadersObserver)_readers).RingAsync(Queue);

        Assert.Single(await read.WaitAsync(TestTimeouts.Event));
    }

    [Fact]
    public async Task ARingBetweenAReadAndTheNextWait_IsNotMissed()
    {
        var queue = new ScriptedQueue(0, 1);
        var receiver = await StartAsync(queue);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));

        Assert.True(_readers.TryRing(Queue)); // the enqueue came after that read
        var read = receiver.GetQueueMessagesAsync(100, CancellationToken.None);

        Assert.True(read.IsCompleted); // read at once, no wait
        Assert.Single(await read);
    }

    [Fact]
    public async Task WithoutARing_TheWaitEndsAfterTheReadWait_AndTheReaderListensAgain()
    {
        var queue = new ScriptedQueue(0, 1);
        var receiver = await StartAsync(queue);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        await Eventually.TrueAsync(() => _doorbell.Listens.Count == 1, "the first listen");

        var read = receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        _time.Advance(ReadWait - TimeSpan.FromMilliseconds(1));
        Assert.False(read.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(await read.WaitAsync(TestTimeouts.Event)); // a lost ring delays data by one read wait at most

        // A read wait has passed since the last listen: the next read listens again, and reads at once for any ring the
        // doorbell could not pass on meanwhile.
        var next = receiver.GetQueueMessagesAsync(100, CancellationToken.None);
        Assert.True(next.IsCompleted);
        Assert.Equal(3, queue.Reads);
        await Eventually.TrueAsync(() => _doorbell.Listens.Count == 2, "the second listen");
    }

    [Fact]
    public async Task ADoorbellThatCannotBeReached_DoesNotHoldTheReads()
    {
        _doorbell.Answer = new TaskCompletionSource(); // a frozen silo: the listen is never answered
        var queue = new ScriptedQueue(1);
        var receiver = await StartAsync(queue);

        Assert.Single(await receiver.GetQueueMessagesAsync(100, CancellationToken.None).WaitAsync(TestTimeouts.Event));
        await Eventually.TrueAsync(() => _doorbell.Listens.Count == 1, "the first listen");
        _time.Advance(ReadWait);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None).WaitAsync(TestTimeouts.Event));
        Assert.Single(_doorbell.Listens); // and no second listen while the first is unanswered
    }

    [Fact]
    public async Task TheAgentLettingGoOfTheQueue_EndsAWait_WithoutARead()
    {
        var queue = new ScriptedQueue(0, 1);
        var receiver = await StartAsync(queue);
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));

        using var letGo = new CancellationTokenSource();
        var read = receiver.GetQueueMessagesAsync(100, letGo.Token);
        Assert.False(read.IsCompleted);
        await letGo.CancelAsync();

        Assert.Empty(await read.WaitAsync(TestTimeouts.Event));
        Assert.Equal(1, queue.Reads);
    }

    [Fact]
    public async Task AfterShutdown_ProducersOnThisSilo_NoLongerFindTheReader()
    {
        var receiver = await StartAsync(new ScriptedQueue());
        Assert.True(_readers.TryRing(Queue));

        await receiver.Shutdown(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.False(_readers.TryRing(Queue)); // they ring the doorbell instead, for wherever the queue is read now
    }

    private async Task<DoorbellQueueReceiver> StartAsync(ScriptedQueue queue)
    {
        var receiver = new DoorbellQueueReceiver(Queue, queue, _readers, _doorbell, ReadWait, _time);
        await receiver.Initialize(TimeSpan.FromSeconds(1), CancellationToken.None);
        return receiver;
    }

    /// <summary>A queue that answers each read with the next count of messages in its script (then none).</summary>
    private sealed class ScriptedQueue(params int[] messages) : IQueueAdapterReceiver
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            var read = Interlocked.Increment(ref _reads) - 1;
            var count = read < messages.Length ? messages[read] : 0;
            IList<IBatchContainer> batch = Enumerable.Range(0, count).Select(_ => (IBatchContainer)null!).ToList();
            return Task.FromResult(batch);
        }

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A doorbell that records who listens, and answers each listen with <see cref="Answer"/>.</summary>
    private sealed class RecordingDoorbell : IQueueDoorbellGrain
    {
        private readonly List<(IQueueReadersObserver, QueueId, TimeSpan)> _listens = [];

        public TaskCompletionSource Answer { get; set; } = CompletedAnswer();

        public List<(IQueueReadersObserver Readers, QueueId Queue, TimeSpan Lease)> Listens
        {
            get
            {
                lock (_listens)
                {
                    return [.. _listens];
                }
            }
        }

        public Task RingAsync() => Task.CompletedTask;

        public Task ListenAsync(IQueueReadersObserver readers, QueueId queue, TimeSpan lease)
        {
            lock (_listens)
            {
                _listens.Add((readers, queue, lease));
            }

            return Answer.Task;
        }

        private static TaskCompletionSource CompletedAnswer()
        {
            var answer = new TaskCompletionSource();
            answer.SetResult();
            return answer;
        }
    }
}

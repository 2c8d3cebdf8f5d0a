using Notify.Grains.Streaming;
using Orleans.Streams;

namespace Notify.Tests.Grains;

/// <summary>The doorbell reader: one wait per wake-up, and no calls to a doorbell whose silo is stopping.</summary>
public sealed class DoorbellQueueReceiverTests
{
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AfterARead_ThatEmptiedTheQueue_TheNextReadWaitsForARingFirst()
    {
        var queue = new ScriptedQueue(1, 0);
        var doorbell = new ScriptedDoorbell(answers: [5, 6]); // each answer differs from what was seen: rings came
        var receiver = new DoorbellQueueReceiver(queue, doorbell, ReadWait);

        Assert.Single(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        Assert.Equal([-1L], doorbell.Asked); // the first wait, with no count yet, before the first read

        Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        Assert.Equal([-1L, 5L], doorbell.Asked); // waited again before reading, against the count seen before the last read
        Assert.Equal(2, queue.Reads);
    }

    [Fact]
    public async Task ADoorbellThatDeclinesToWait_IsNotAskedAgainForAWhile_AndTheQueueIsPolled()
    {
        var queue = new ScriptedQueue(0, 0, 0, 1, 0, 0);
        var doorbell = new ScriptedDoorbell(answers: [7, 7]); // the second answer comes at once with no ring: its silo stops
        var receiver = new DoorbellQueueReceiver(queue, doorbell, ReadWait);

        var read = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            read.Add((await receiver.GetQueueMessagesAsync(100, CancellationToken.None)).Count);
        }

        Assert.Equal([0, 0, 0, 1, 0, 0], read); // every read still made, the message among them
        Assert.Equal([-1L, 7L], doorbell.Asked); // and no call to the declining doorbell after its answer
    }

    /// <summary>A queue that answers each read with the next count of messages in its script (then none).</summary>
    private sealed class ScriptedQueue(params int[] messages) : IQueueAdapterReceiver
    {
        public int Reads { get; private set; }

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            var count = Reads < messages.Length ? messages[Reads] : 0;
            Reads++;
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

    /// <summary>A doorbell that answers each wait at once with the next count of its script, and records what it was asked.</summary>
    private sealed class ScriptedDoorbell(long[] answers) : IQueueDoorbellGrain
    {
        public List<long> Asked { get; } = [];

        public Task RingAsync() => Task.CompletedTask;

        public Task<long> WaitAsync(long seenRings, TimeSpan wait)
        {
            Asked.Add(seenRings);
            return Task.FromResult(answers[Math.Min(Asked.Count - 1, answers.Length - 1)]);
        }
    }
}

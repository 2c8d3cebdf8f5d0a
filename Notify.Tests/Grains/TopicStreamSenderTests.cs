using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Notify.Grains.Events;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

/// <summary>
/// What a topic keeps for the silos while its stream does not carry its events: the events of a message being sent,
/// and after a failed send, everything from it on until the stream has carried messages again for
/// <see cref="TopicStreamSender.KeepAfterFailure"/>.
/// </summary>
public sealed class TopicStreamSenderTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<long?> _kept = new(); // each KeepFrom the sender asked of the buffer
    private readonly ConcurrentQueue<TaskCompletionSource> _sends = new(); // the stream's answer to each message, in order
    private readonly ConcurrentQueue<List<long>> _messages = new();

    private TopicStreamSender NewSender() => new(
        events =>
        {
            _messages.Enqueue([.. events.Select(e => e.Position.Sequence)]);
            // Continuations run inline: the sender goes on in the test's own SetResult or Advance, one thing at a time, as
            // in its grain's turns.
            var answer = new TaskCompletionSource();
            _sends.Enqueue(answer);
            return answer.Task;
        },
        TimeSpan.FromMinutes(1), _kept.Enqueue, _time, "topic", NullLogger.Instance);

    private static List<TopicEvent> Events(params long[] sequences) =>
        [.. sequences.Select(s => new TopicEvent(new EventPosition("e", s), null, [1], DateTimeOffset.UnixEpoch))];

    private Task MessagesSentAsync(int count) => Eventually.TrueAsync(() => _sends.Count == count, $"{count} stream messages were sent");

    private Task KeptAsync(params long?[] expected) =>
        Eventually.TrueAsync(() => _kept.SequenceEqual(expected), $"the buffer was asked to keep {string.Join(", ", expected)}");

    [Fact]
    public async Task AMessageTheStreamTakes_IsKeptOnlyWhileItIsSent()
    {
        var sender = NewSender();
        sender.Send(Events(1, 2));
        await MessagesSentAsync(1);
        Assert.Equal([1], _kept);

        _sends.Single().SetResult();
        await KeptAsync(1, null);
        Assert.Equal([1, 2], _messages.Single());
    }

    [Fact]
    public async Task AfterAFailedSend_EverythingFromIt_IsKept_WhileLaterMessagesAreTaken_UntilTheWindowHasPassed()
    {
        var sender = NewSender();
        sender.Send(Events(1, 2));
        await MessagesSentAsync(1);
        _sends.Last().SetException(new TimeoutException("the stream's queue is on a frozen silo"));
        await Eventually.TrueAsync(() => SenderIdle(sender), "the failed send is over");

        sender.Send(Events(3));
        await MessagesSentAsync(2);
        _sends.Last().SetResult();
        _time.Advance(TopicStreamSender.KeepAfterFailure - TimeSpan.FromSeconds(1));
        sender.Send(Events(4));
        await MessagesSentAsync(3);
        _sends.Last().SetResult();
        await Eventually.TrueAsync(() => SenderIdle(sender), "the third message is sent");
        Assert.Equal([1], _kept); // still kept from the failed message's first event

        _time.Advance(TimeSpan.FromSeconds(2)); // the window is over: the quiet topic lets them go without another message
        await KeptAsync(1, null);
        Assert.Equal([[1, 2], [3], [4]], _messages);
    }

    [Fact]
    public async Task WhileSendsKeepFailing_TheFirstFailedEventStaysKept_AndAMessageTakenAfterTheWindow_LetsGo()
    {
        var sender = NewSender();
        for (var i = 1; i <= 3; i++)
        {
            sender.Send(Events(i));
            await MessagesSentAsync(i);
            _sends.Last().SetException(new TimeoutException("the stream's queue is on a frozen silo"));
            await Eventually.TrueAsync(() => SenderIdle(sender), "the failed send is over");
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        _time.Advance(TopicStreamSender.KeepAfterFailure - TimeSpan.FromSeconds(15)); // 25 s after the last failure
        Assert.Equal([1], _kept);

        sender.Send(Events(4));
        await MessagesSentAsync(4);
        _time.Advance(TimeSpan.FromSeconds(10)); // the window ends while the message is being sent
        _sends.Last().SetResult();
        await KeptAsync(1, null);

        sender.Send(Events(5)); // from now on, each message is kept only while it is being sent
        await MessagesSentAsync(5);
        _sends.Last().SetResult();
        await KeptAsync(1, null, 5, null);
    }

    private static bool SenderIdle(TopicStreamSender sender) => !sender.IsSending;
}

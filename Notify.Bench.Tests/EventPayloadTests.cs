using System.Text;
using Notify.Bench.Load;

namespace Notify.Bench.Tests;

/// <summary>The body of every published event: its sequence, when it was sent and its topic, read back from the padding.</summary>
public sealed class EventPayloadTests
{
    [Theory]
    [InlineData(1, 0L, 0, 0)]
    [InlineData(EventPayload.MaxSequence, long.MaxValue, int.MaxValue, EventPayload.MinimumSize)]
    [InlineData(42, 123_456_789_012L, 9_999, 128)]
    public void ReadsBackWhatWasWritten_AtAnySize(long sequence, long timestamp, int topic, int size)
    {
        var body = EventPayload.Create(sequence, timestamp, topic, size);

        Assert.Equal(Math.Max(size, EventPayload.MinimumSize), body.Length);
        Assert.True(EventPayload.TryRead(body, out var readSequence, out var readTimestamp, out var readTopic));
        Assert.Equal((sequence, timestamp, topic), (readSequence, readTimestamp, readTopic));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("12 34")]
    [InlineData("12 34 -1")]
    [InlineData("12 x 3")]
    public void RejectsBodiesNotOurs(string data) =>
        Assert.False(EventPayload.TryRead(Encoding.ASCII.GetBytes(data), out _, out _, out _));
}

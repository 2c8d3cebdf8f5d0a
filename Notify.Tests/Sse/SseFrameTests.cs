using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Tests.Sse;

public class SseFrameTests
{
    private static TopicEvent Event(string data, string? type = null, long sequence = 5) =>
        new(new EventPosition("ep0ch", sequence), type, Encoding.UTF8.GetBytes(data), DateTimeOffset.UnixEpoch);

    private static string Text(SseFrame frame) => Encoding.UTF8.GetString(frame.Bytes.Span);

    [Fact]
    public void ForEvent_WritesIdThenDataThenBlankLine()
    {
        Assert.Equal("id: ep0ch:5\ndata: hello\n\n", Text(SseFrame.ForEvent(Event("hello"))));
    }

    [Fact]
    public void ForEvent_WithType_WritesEventFieldAfterId()
    {
        Assert.Equal("id: ep0ch:5\nevent: greeting\ndata: {\"a\":1}\n\n", Text(SseFrame.ForEvent(Event("{\"a\":1}", "greeting"))));
    }

    [Theory]
    [InlineData("a\nb", "data: a\ndata: b\n")]
    [InlineData("a\r\nb", "data: a\ndata: b\n")]
    [InlineData("a\rb", "data: a\ndata: b\n")]
    [InlineData("a\r\rb", "data: a\ndata: \ndata: b\n")]
    [InlineData("a\n\nb", "data: a\ndata: \ndata: b\n")]
    [InlineData("a\n", "data: a\ndata: \n")]
    [InlineData("\r\n", "data: \ndata: \n")]
    [InlineData(" leading space", "data:  leading space\n")]
    [InlineData("data: x", "data: data: x\n")]
    public void ForEvent_EveryLineBreakBecomesAnotherDataLine(string data, string expectedDataLines)
    {
        Assert.Equal($"id: ep0ch:5\n{expectedDataLines}\n", Text(SseFrame.ForEvent(Event(data))));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("line1\r\nline2\rline3\nline4")]
    [InlineData("trailing\n")]
    [InlineData(" spaced ")]
    [InlineData("ünïcödé ✓ 𝄞")]
    public void ForEvent_RoundTripsThroughSseParser_WithLfLineEndings(string data)
    {
        var frame = SseFrame.ForEvent(Event(data, "t"));
        var items = SseParser.Create(new MemoryStream(frame.Bytes.ToArray())).Enumerate().ToList();

        var item = Assert.Single(items);
        Assert.Equal(data.Replace("\r\n", "\n").Replace('\r', '\n'), item.Data);
        Assert.Equal("t", item.EventType);
        Assert.Equal("ep0ch:5", item.EventId);
    }

    [Fact]
    public void Heartbeat_IsACommentLine()
    {
        Assert.Equal(":\n\n", Text(SseFrame.Heartbeat));
        Assert.Empty(SseParser.Create(new MemoryStream(SseFrame.Heartbeat.Bytes.ToArray())).Enumerate());
    }

    [Fact]
    public void Retry_IsInMilliseconds()
    {
        Assert.Equal("retry: 3000\n\n", Text(SseFrame.Retry(TimeSpan.FromSeconds(3))));
    }

    [Fact]
    public void ForReset_HasItsResumePositionAsIdAndNamesTheReason()
    {
        var frame = SseFrame.ForReset(ResetReason.Expired, "ep0ch:2", new EventPosition("ep0ch", 57));

        Assert.Equal(
            "id: ep0ch:57\nevent: notify.reset\ndata: {\"reason\":\"expired\",\"lastEventId\":\"ep0ch:2\",\"continuesAfter\":\"ep0ch:57\"}\n\n",
            Text(frame));
        Assert.Null(frame.Position);
    }

    [Fact]
    public void ForReset_EscapesWhateverTheClientSent()
    {
        var frame = SseFrame.ForReset(ResetReason.Malformed, "a\r\nb\"c", new EventPosition("e", 0));
        var item = Assert.Single(SseParser.Create(new MemoryStream(frame.Bytes.ToArray())).Enumerate());

        using var json = JsonDocument.Parse(item.Data);
        Assert.Equal("malformed", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal("a\r\nb\"c", json.RootElement.GetProperty("lastEventId").GetString());
    }

    [Fact]
    public void ForLagged_HasNoIdSoTheClientKeepsItsOwn()
    {
        Assert.Equal(
            "event: notify.lagged\ndata: {\"lastEventId\":\"e:9\",\"queueLimit\":16}\n\n",
            Text(SseFrame.ForLagged(new EventPosition("e", 9), 16)));
    }
}

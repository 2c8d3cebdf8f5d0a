using System.Text;
using Notify.Bench.Sse;

namespace Notify.Bench.Tests;

/// <summary>Notify.Bench's own SSE parser: it must not be the reason a benchmark counts an event missing.</summary>
public sealed class SseParserTests
{
    private sealed class Sink : ISseEventSink
    {
        public List<(string Type, string Id, string Data)> Events { get; } = [];

        public int Comments { get; private set; }

        public void OnEvent(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> data) =>
            Events.Add((Encoding.UTF8.GetString(type), Encoding.UTF8.GetString(id), Encoding.UTF8.GetString(data)));

        public void OnComment(ReadOnlySpan<byte> text) => Comments++;
    }

    private const string Stream =
        "retry: 3000\n\n" +
        ":\n\n" +
        "id: 1:1\ndata: one\n\n" +
        "id: 1:2\r\nevent: notify.reset\r\ndata: {\"a\":1}\r\n\r\n" +
        "id: 1:3\rdata: first line\rdata: second line\r\r" +
        "data: no id of its own\n\n" +
        "data:nospace\n\n" +
        "id: 1:4\n\n" + // an id without data: no event, but the last event id moves
        "data: after\r\n\r\n";

    private static readonly (string Type, string Id, string Data)[] Expected =
    [
        ("", "1:1", "one"),
        ("notify.reset", "1:2", "{\"a\":1}"),
        ("", "1:3", "first line\nsecond line"),
        ("", "1:3", "no id of its own"),
        ("", "1:3", "nospace"),
        ("", "1:4", "after"),
    ];

    [Fact]
    public void WholeStream_AllLineEndings_GivesEveryEventOnce()
    {
        var parser = new SseParser();
        var sink = new Sink();

        parser.Parse(Encoding.UTF8.GetBytes(Stream), sink);

        Assert.Equal(Expected, sink.Events);
        Assert.Equal(1, sink.Comments);
        Assert.Equal(3000, parser.Retry);
        Assert.Equal("1:4", Encoding.UTF8.GetString(parser.LastEventId));
    }

    [Fact]
    public void SplitAtEveryPosition_AndByteByByte_GivesTheSameEvents()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 1; split < bytes.Length; split++)
        {
            var parser = new SseParser();
            var sink = new Sink();
            parser.Parse(bytes.AsSpan(0, split), sink);
            parser.Parse(bytes.AsSpan(split), sink);
            Assert.True(Expected.SequenceEqual(sink.Events), $"split at {split}");
        }

        var byteByByte = new SseParser();
        var bytewise = new Sink();
        foreach (var b in bytes)
        {
            byteByByte.Parse([b], bytewise);
        }

        Assert.Equal(Expected, bytewise.Events);
    }

    [Fact]
    public void CarriageReturnAtTheEndOfARead_ThenLineFeed_IsOneLineBreak()
    {
        var parser = new SseParser();
        var sink = new Sink();

        parser.Parse("data: a\r"u8, sink);
        parser.Parse("\n\r"u8, sink);
        parser.Parse("\n"u8, sink);

        Assert.Equal([("", "", "a")], sink.Events);
    }

    [Fact]
    public void Reset_DropsAPartialEvent_KeepsTheLastEventId()
    {
        var parser = new SseParser();
        var sink = new Sink();
        parser.Parse("id: 7\ndata: whole\n\nid: 8\ndata: cut off"u8, sink);

        parser.Reset(); // the connection broke mid-event
        parser.Parse("data: next\n\n"u8, sink);

        Assert.Equal([("", "7", "whole"), ("", "8", "next")], sink.Events);
    }
}

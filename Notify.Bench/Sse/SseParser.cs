using System.Buffers;
using System.Buffers.Text;

namespace Notify.Bench.Sse;

/// <summary>
/// An incremental parser for <c>text/event-stream</c> bodies, as the HTML living standard defines it:
/// lines end with CR, LF or CRLF (also when the CR and the LF arrive in different reads); <c>data:</c> lines
/// are joined with LF; an event is dispatched at a blank line when it has data; <c>id:</c> sets the last
/// event id, which survives events that do not set it. Allocates nothing once its buffers have grown.
/// </summary>
internal sealed class SseParser
{
    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);

    private readonly ByteBuffer _line = new();
    private readonly ByteBuffer _data = new();
    private readonly ByteBuffer _type = new();
    private readonly ByteBuffer _lastEventId = new();
    private bool _hasData;
    private bool _skipLineFeed;

    /// <summary>The last event id the stream set: what a reconnecting client sends as <c>Last-Event-ID</c>.</summary>
    public ReadOnlySpan<byte> LastEventId => _lastEventId.Span;

    /// <summary>The last <c>retry:</c> value, in milliseconds; null when none was sent.</summary>
    public long? Retry { get; private set; }

    /// <summary>Starts a new stream: drops a partial line and event, keeps the last event id (as a reconnecting client does).</summary>
    public void Reset()
    {
        _line.Clear();
        _data.Clear();
        _type.Clear();
        _hasData = false;
        _skipLineFeed = false;
    }

    /// <summary>Parses the next bytes of the body, dispatching every event they complete.</summary>
    public void Parse(ReadOnlySpan<byte> chunk, ISseEventSink sink)
    {
        if (_skipLineFeed && !chunk.IsEmpty)
        {
            _skipLineFeed = false;
            if (chunk[0] == (byte)'\n')
            {
                chunk = chunk[1..];
            }
        }

        while (!chunk.IsEmpty)
        {
            var end = chunk.IndexOfAny(LineBreaks);
            if (end < 0)
            {
                _line.Append(chunk);
                return;
            }

            if (_line.Length == 0)
            {
                ProcessLine(chunk[..end], sink);
            }
            else
            {
                _line.Append(chunk[..end]);
                ProcessLine(_line.Span, sink);
                _line.Clear();
            }

            var breakLength = 1;
            if (chunk[end] == (byte)'\r')
            {
                if (end + 1 == chunk.Length)
                {
                    _skipLineFeed = true; // the LF of a CRLF may start the next read
                }
                else if (chunk[end + 1] == (byte)'\n')
                {
                    breakLength = 2;
                }
            }

            chunk = chunk[(end + breakLength)..];
        }
    }

    private void ProcessLine(ReadOnlySpan<byte> line, ISseEventSink sink)
    {
        if (line.IsEmpty)
        {
            Dispatch(sink);
            return;
        }

        if (line[0] == (byte)':')
        {
            sink.OnComment(line[1..]);
            return;
        }

        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (name.SequenceEqual("data"u8))
        {
            if (_hasData)
            {
                _data.Append("\n"u8);
            }

            _data.Append(value);
            _hasData = true;
        }
        else if (name.SequenceEqual("id"u8))
        {
            if (!value.Contains((byte)0))
            {
                _lastEventId.Clear();
                _lastEventId.Append(value);
            }
        }
        else if (name.SequenceEqual("event"u8))
        {
            _type.Clear();
            _type.Append(value);
        }
        else if (name.SequenceEqual("retry"u8) && !value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            Retry = Utf8Parser.TryParse(value, out long retry, out _) ? retry : Retry;
        }
    }

    private void Dispatch(ISseEventSink sink)
    {
        if (_hasData)
        {
            sink.OnEvent(_type.Span, _lastEventId.Span, _data.Span);
        }

        _data.Clear();
        _type.Clear();
        _hasData = false;
    }
}

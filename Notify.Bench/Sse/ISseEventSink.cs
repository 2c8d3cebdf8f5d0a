namespace Notify.Bench.Sse;

/// <summary>Receives what an <see cref="SseParser"/> dispatches; spans are only valid during the call.</summary>
internal interface ISseEventSink
{
    /// <summary>An event with data. <paramref name="type"/> is empty when the stream gave no <c>event:</c> field.</summary>
    void OnEvent(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> data);

    /// <summary>A comment line (heartbeat); the text after the colon.</summary>
    void OnComment(ReadOnlySpan<byte> text);
}

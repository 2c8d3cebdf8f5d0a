namespace Notify.Client;

/// <summary>An event published to a topic, as a subscriber receives it.</summary>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Id">Its id, <c>epoch:position</c>: unique within the topic. Treat it as opaque.</param>
/// <param name="Type">The type its publisher gave it, or <c>message</c> (the SSE default) when it had none.</param>
/// <param name="Data">Its data, the UTF-8 text that was published (line breaks arrive as LF).</param>
public sealed record NotifyEvent(string Topic, string Id, string Type, string Data) : NotifyItem(Topic)
{
    /// <summary>The SSE type of an event published without one.</summary>
    public const string DefaultType = "message";

    /// <inheritdoc />
    public override string Position => Id;
}

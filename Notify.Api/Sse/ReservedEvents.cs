using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Api.Sse;

/// <summary>The event types the server writes itself; publishers may not use the <c>notify.</c> prefix.</summary>
public static class ReservedEvents
{
    /// <summary>Every reserved type starts with this.</summary>
    public const string Prefix = "notify.";

    /// <summary>The resume position could not be honoured; see <see cref="ResetNotice"/>.</summary>
    public const string Reset = "notify.reset";

    /// <summary>The connection fell too far behind and is being closed; see <see cref="LaggedNotice"/>.</summary>
    public const string Lagged = "notify.lagged";
}

/// <summary>The data of a <c>notify.reset</c> event.</summary>
/// <param name="Reason"><c>expired</c>, <c>epoch</c>, <c>malformed</c> or <c>unknown</c>.</param>
/// <param name="LastEventId">The id the client resumed from, as it sent it.</param>
/// <param name="ContinuesAfter">The position the stream continues after (also this event's id).</param>
public sealed record ResetNotice(string Reason, string? LastEventId, string ContinuesAfter);

/// <summary>The data of a <c>notify.lagged</c> event.</summary>
/// <param name="LastEventId">The last event written to this connection: resume from it.</param>
/// <param name="QueueLimit">How many events may wait for a connection before it is closed.</param>
public sealed record LaggedNotice(string LastEventId, int QueueLimit);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ResetNotice))]
[JsonSerializable(typeof(LaggedNotice))]
internal sealed partial class SseJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Client;

/// <summary>The JSON Notify sends: publish answers, buffer pages, reserved events' data, problem details.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishAnswer))]
[JsonSerializable(typeof(BufferPage))]
[JsonSerializable(typeof(ResetData))]
[JsonSerializable(typeof(LaggedData))]
[JsonSerializable(typeof(ExpiredData))]
[JsonSerializable(typeof(Problem))]
internal sealed partial class NotifyJson : JsonSerializerContext;

/// <summary><c>201</c> to a publish.</summary>
internal sealed record PublishAnswer(string Topic, string Id);

/// <summary>A page of <c>GET /topics/{topic}/events</c>, as far as the client reads it.</summary>
internal sealed record BufferPage(IReadOnlyList<BufferedEvent> Events, string Next, string Head);

/// <summary>One event of a <see cref="BufferPage"/>.</summary>
internal sealed record BufferedEvent(string Id, string? Type, string Data);

/// <summary>The data of <c>notify.reset</c>.</summary>
internal sealed record ResetData(string Reason, string? LastEventId, string ContinuesAfter);

/// <summary>The data of <c>notify.lagged</c>.</summary>
internal sealed record LaggedData(string LastEventId, int QueueLimit);

/// <summary>The data of <c>notify.expired</c>.</summary>
internal sealed record ExpiredData(string Reason, string LastEventId);

/// <summary>RFC 9457 problem details.</summary>
internal sealed record Problem(string? Title, string? Detail);

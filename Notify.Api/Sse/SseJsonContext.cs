using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Api.Sse;

/// <summary>Source-generated JSON for the data of reserved events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ResetNotice))]
[JsonSerializable(typeof(LaggedNotice))]
[JsonSerializable(typeof(ExpiredNotice))]
[JsonSerializable(typeof(TopicResetNotice))]
[JsonSerializable(typeof(TopicLaggedNotice))]
internal sealed partial class SseJsonContext : JsonSerializerContext;

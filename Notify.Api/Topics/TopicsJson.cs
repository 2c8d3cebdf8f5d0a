using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.Api.Topics;

/// <summary>The answer to a publish: <c>201</c> with the event's id.</summary>
public sealed record PublishedEvent(string Topic, string Id);

/// <summary>One event in <c>GET /topics/{topic}/events</c>.</summary>
public sealed record BufferedEvent(string Id, string? Type, string Data, DateTimeOffset PublishedAt);

/// <summary>Why the asked position was not honoured, as in a <c>notify.reset</c> event.</summary>
public sealed record ResetInfo(string Reason, string? LastEventId, string ContinuesAfter);

/// <summary>A page of <c>GET /topics/{topic}/events</c>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Reset">Set when <c>after</c> could not be honoured; the events then start at the oldest buffered one.</param>
/// <param name="Events">The events, oldest first.</param>
/// <param name="Next">Pass as <c>after</c> to get the following page (the last event's id, or where the page started).</param>
/// <param name="Head">The newest event's position when the page was read.</param>
/// <param name="HasMore">True when more events were already buffered after <paramref name="Next"/>.</param>
public sealed record BufferedEventsPage(string Topic, ResetInfo? Reset, IReadOnlyList<BufferedEvent> Events, string Next, string Head, bool HasMore);

/// <summary>The answer of <c>GET /topics/{topic}/subscribers</c>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Subscribers">Open SSE connections on the topic across the cluster.</param>
/// <param name="Silos">Per active silo that holds any.</param>
public sealed record TopicSubscribers(string Topic, int Subscribers, IReadOnlyList<Presence.SiloSubscribers> Silos);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishedEvent))]
[JsonSerializable(typeof(BufferedEventsPage))]
[JsonSerializable(typeof(TopicSubscribers))]
internal sealed partial class TopicsJsonContext : JsonSerializerContext;

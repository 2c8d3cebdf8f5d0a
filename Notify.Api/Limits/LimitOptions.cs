using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Limits;

/// <summary>
/// Abuse limits (section <c>Notify:Limits</c>). Each is per silo: behind a load balancer over N silos, a client may
/// reach up to N times its limits. Kestrel's own limits (headers, bodies, timeouts) are in the <c>Kestrel:Limits</c> section.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Limits";

    /// <summary>Open SSE connections this silo holds; past it a subscribe is answered <c>503</c> + <c>Retry-After</c>, so the client or load balancer tries another silo.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>Topics this silo follows for its subscribers; past it, a subscribe to one more topic is answered <c>503</c> + <c>Retry-After</c>.</summary>
    [Range(1, 10_000_000)]
    public int MaxTopics { get; set; } = 50_000;

    /// <summary>Open SSE connections one client (token subject, else address) may hold on this silo; past it, <c>429</c>.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerClient { get; set; } = 100;

    /// <summary>Publishes per second one client may make on this silo, on average; past it, <c>429</c> + <c>Retry-After</c>.</summary>
    [Range(1, 10_000_000)]
    public int PublishesPerSecondPerClient { get; set; } = 1_000;

    /// <summary>Publishes one client may make at once above its rate (the bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int PublishBurstPerClient { get; set; } = 1_000;

    /// <summary>The <c>Retry-After</c> (seconds) of a request refused by a limit of this silo (streams, topics), or of a refused stream.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;
}

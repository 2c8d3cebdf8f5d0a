using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Sse;

/// <summary>How subscribers' streams behave (section <c>Notify:Sse</c>).</summary>
public sealed class SseOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Sse";

    /// <summary>The <c>retry:</c> sent first: how long a browser waits before reconnecting.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A comment is written after this long without any write, so proxies never cut a quiet stream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events that may wait for one connection; past this it gets <c>notify.lagged</c> and is closed.</summary>
    [Range(16, 1_000_000)]
    public int SendQueueLimit { get; set; } = 1_024;

    /// <summary>
    /// A connection whose written events cannot be sent for this long (the client stopped reading, and the socket and
    /// Kestrel's buffer are full) is dropped at once, freeing its buffers; the client resumes like any reconnect.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most topics one stream may follow (<c>GET /topics?topic=…</c>).</summary>
    [Range(1, 256)]
    public int MaxTopicsPerStream { get; set; } = 32;

    /// <summary>
    /// How often a silo compares each watched topic's newest position with what its stream delivered,
    /// so that a lost last message is noticed and read from the grain instead of waited for.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan StreamCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How seldom a quiet topic is checked: each check that follows no event waits twice as long as the last, up to
    /// this, so an idle silo's checks do not grow with every topic it watches at the full rate. Any event brings the
    /// topic back to <see cref="StreamCheckInterval"/>; a silo dying or a failed read asks for a check at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan QuietStreamCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

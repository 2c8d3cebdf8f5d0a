namespace Notify.Client;

/// <summary>How a <see cref="NotifyClient"/> reaches Notify and how patiently it retries.</summary>
public sealed class NotifyClientOptions
{
    /// <summary>
    /// Notify's address (a silo, or the load balancer in front of the silos), e.g. <c>https://notify.example.com/</c>.
    /// Required unless the <see cref="HttpClient"/> given to the client has a base address.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Returns the bearer token to send, or null to send none. Called before every request and every (re)connect, so a
    /// renewed token is used as soon as the provider returns it (after <see cref="NotifyExpired"/>, and once more after
    /// a <c>401</c>). Called from several streams at once: it must be thread-safe, and should cache its token.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; set; }

    /// <summary>
    /// The longest back-off between reconnects or publish retries before jitter (default 30 s). The first reconnect waits
    /// the stream's <c>retry:</c> interval; each further one without success waits twice as long, up to this.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stream may stay silent before the client drops it and resumes on a new connection (default 1 min).
    /// Notify sends a heartbeat on idle streams every 15 s by default, so only a dead connection stays silent this long.
    /// Keep it above the server's heartbeat interval; <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long <see cref="NotifyClient.PublishAsync"/> keeps retrying an event that could not be confirmed stored
    /// (<c>503</c>, <c>502</c>, <c>504</c>, <c>429</c>, a broken connection) before it gives up with a
    /// <see cref="TimeoutException"/> (default 1 min).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromMinutes(1);
}

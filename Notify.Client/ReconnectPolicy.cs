namespace Notify.Client;

/// <summary>
/// How long to wait before the next try (a reconnect, or a publish retry): the interval the server asked for, doubled
/// for each try in a row that failed, capped, then spread by up to half again so the clients of a failed node do not
/// all come back at the same instant. Never sooner than the server asked (<c>retry:</c> or <c>Retry-After</c>).
/// </summary>
internal sealed class ReconnectPolicy(TimeSpan maxDelay, Func<double>? random = null)
{
    /// <summary>The reconnect interval before a stream has said its own (Notify's default <c>retry:</c>).</summary>
    public static readonly TimeSpan DefaultStreamInterval = TimeSpan.FromSeconds(3);

    /// <summary>The first publish retry's wait when the answer had no <c>Retry-After</c>.</summary>
    public static readonly TimeSpan DefaultPublishInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The shortest wait, so a server that asks for <c>retry: 0</c> cannot make the client spin.</summary>
    public static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(50);

    private const double Spread = 0.5;

    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <summary>The wait before try number <paramref name="failures"/> + 1, after that many failed in a row (at least 1).</summary>
    /// <param name="failures">Tries in a row that made no progress, this one included.</param>
    /// <param name="interval">The interval the server asked for between tries.</param>
    /// <param name="retryAfter">The failed answer's <c>Retry-After</c>, if it had one.</param>
    public TimeSpan DelayAfter(int failures, TimeSpan interval, TimeSpan? retryAfter = null)
    {
        var asked = interval > MinDelay ? interval : MinDelay;
        var doubled = asked.Ticks * Math.Pow(2, Math.Clamp(failures, 1, 31) - 1);
        var backoff = TimeSpan.FromTicks(Math.Max(asked.Ticks, (long)Math.Min(doubled, maxDelay.Ticks)));
        if (retryAfter > backoff)
        {
            backoff = retryAfter.Value;
        }

        return backoff * (1 + (Spread * _random()));
    }
}

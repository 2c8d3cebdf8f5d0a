namespace Notify.Api.Subscriptions;

/// <summary>
/// When a <see cref="TopicFanout"/> compares its position with the grain's head: every check interval, one follow-up
/// delay after a check that found it behind, a failed read, or a silo of the cluster dying, and every follow-up delay
/// while <paramref name="eager"/> says so (no stream attached to bring events).
/// </summary>
internal sealed class HeadCheckSchedule(TimeSpan interval, Action check, Func<bool> eager)
{
    /// <summary>How long the stream may take to bring events the grain already has before they are read from the grain.</summary>
    public static readonly TimeSpan FollowUpDelay = TimeSpan.FromSeconds(1);

    private bool _soon;

    /// <summary>Asks for the next check within a follow-up delay rather than at the next interval.</summary>
    public void CheckSoon() => Volatile.Write(ref _soon, true);

    /// <summary>Asks for checks until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var tick = FollowUpDelay < interval ? FollowUpDelay : interval;
        using var timer = new PeriodicTimer(tick);
        var sinceCheck = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                sinceCheck += tick;
                if (sinceCheck >= interval || Volatile.Read(ref _soon) || eager())
                {
                    sinceCheck = TimeSpan.Zero;
                    Volatile.Write(ref _soon, false);
                    check();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

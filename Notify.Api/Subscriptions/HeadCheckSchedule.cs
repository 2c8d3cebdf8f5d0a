namespace Notify.Api.Subscriptions;

/// <summary>
/// When a <see cref="TopicFanout"/> compares its position with the grain's head: every check interval, one follow-up
/// delay after a check that found it behind, a failed read, or a silo of the cluster dying, and every tick while
/// <paramref name="eager"/> says so (no stream attached to bring events). A topic with no event since its last check
/// is checked half as often each time, down to once per <paramref name="quietInterval"/>; an event brings it back to
/// <paramref name="interval"/>. Driven by the silo's one <see cref="StreamHeadChecks"/> clock, not a timer per topic.
/// </summary>
internal sealed class HeadCheckSchedule(TimeSpan interval, TimeSpan quietInterval, Action check, Func<bool> eager)
{
    private readonly TimeSpan _baseInterval = interval;
    /// <summary>How long the stream may take to bring events the grain already has before they are read from the grain.</summary>
    public static readonly TimeSpan FollowUpDelay = TimeSpan.FromSeconds(1);

    private TimeSpan _interval = interval;
    private TimeSpan _sinceCheck;
    private bool _soon;
    private bool _eventSinceCheck;

    /// <summary>How often the clock must tick for a schedule checking every <paramref name="interval"/>.</summary>
    public static TimeSpan TickFor(TimeSpan interval) => FollowUpDelay < interval ? FollowUpDelay : interval;

    /// <summary>Asks for the next check within a follow-up delay rather than at the next interval.</summary>
    public void CheckSoon() => Volatile.Write(ref _soon, true);

    /// <summary>An event came: the topic is not quiet.</summary>
    public void EventArrived()
    {
        if (!_eventSinceCheck)
        {
            Volatile.Write(ref _eventSinceCheck, true);
        }
    }

    /// <summary>One tick of the silo's clock, <paramref name="elapsed"/> after the last: asks for a check when one is due.</summary>
    public void Tick(TimeSpan elapsed)
    {
        _sinceCheck += elapsed;
        var due = _sinceCheck >= _interval;
        if (!due && !Volatile.Read(ref _soon) && !eager())
        {
            return;
        }

        if (due)
        {
            var active = Volatile.Read(ref _eventSinceCheck);
            Volatile.Write(ref _eventSinceCheck, false);
            _interval = active ? _baseInterval : Max(_baseInterval, Min(_interval * 2, quietInterval));
        }

        _sinceCheck = TimeSpan.Zero;
        Volatile.Write(ref _soon, false);
        check();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

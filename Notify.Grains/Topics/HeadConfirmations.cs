namespace Notify.Grains.Topics;

/// <summary>
/// When a topic grain confirms its copy against the log before it answers a head check: for <see cref="Window"/>
/// after the cluster's membership changed, at most once per <see cref="Spacing"/>. Knows nothing of Orleans but the
/// membership's version, so it is tested alone.
/// </summary>
/// <remarks>
/// While Orleans' grain directory converges after a silo joined, left or died, a topic's grain can briefly have a
/// second activation. The topic's lease lets only the later one store anything, but the fan-outs' head checks may still
/// reach the earlier one, which answers from its copy. Had the stream lost the message of the last event the later one
/// stored, no head check would show the gap. Confirming the copy against the log in that window shows it: the earlier
/// activation finds itself fenced and steps down, and the next head check reaches the later one. Outside the window a
/// head check reads nothing from the store.
/// </remarks>
internal sealed class HeadConfirmations(TimeProvider time, MembershipVersion activatedAt)
{
    /// <summary>
    /// How long after a membership change head checks are confirmed: the directory converges well within it, and a quiet
    /// topic, checked every 30 s (<c>Notify:Sse:QuietStreamCheckInterval</c>), is checked in it at least once.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>At most one store read per grain this often, however many silos check its head.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    private MembershipVersion _seen = activatedAt; // an activation reads the log as it starts: earlier changes are covered
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>Whether this head check should be confirmed, given the membership version the silo holds now.</summary>
    public bool IsDue(MembershipVersion current)
    {
        var now = time.GetUtcNow();
        if (current != _seen)
        {
            _seen = current;
            _windowEnds = now + Window;
            _next = now;
        }

        if (now >= _windowEnds || now < _next)
        {
            return false;
        }

        _next = now + Spacing;
        return true;
    }
}

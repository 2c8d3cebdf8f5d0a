namespace Notify.Tests.Fixtures;

/// <summary>Upper bounds for waits. Generous: a 2-core CI machine runs the whole suite at once.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Condition = Eventually.DefaultTimeout;
}

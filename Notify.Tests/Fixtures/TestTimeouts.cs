namespace Notify.Tests.Fixtures;

/// <summary>Upper bounds for waits. Generous: a 2-core CI machine runs the whole suite at once.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Condition = Eventually.DefaultTimeout;

    /// <summary>
    /// The most any request may take until its response headers, for every HttpClient in the tests. Streams are read
    /// after their headers (<see cref="HttpCompletionOption.ResponseHeadersRead"/>), which this does not bound.
    /// </summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
}

namespace Notify.Testing;

/// <summary>Waits for a condition with a timeout, polling; never a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>How long a condition may take unless told otherwise. Generous: a 2-core machine runs everything at once.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <exception cref="TimeoutException">The condition did not hold within the timeout.</exception>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <exception cref="TimeoutException">The condition did not hold within the timeout.</exception>
    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);
}

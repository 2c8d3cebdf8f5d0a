namespace Notify.Tests.Fixtures;

/// <summary>Waits for a condition with a timeout, polling; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Condition);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);
}

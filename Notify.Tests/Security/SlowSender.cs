using System.Diagnostics;

namespace Notify.Tests.Security;

/// <summary>Sends a request a few bytes at a time, as a slowloris or a slow-body attacker does.</summary>
internal static class SlowSender
{
    /// <summary>
    /// Writes <paramref name="bytes"/> <paramref name="chunk"/> bytes at a time with <paramref name="pause"/> between
    /// writes (the slowness is the input itself, not a wait), until all are sent or the server closes the connection.
    /// Returns how long after the first write the server closed it; null when it was still open after
    /// <paramref name="giveUpAfter"/>.
    /// </summary>
    public static async Task<TimeSpan?> SendUntilClosedAsync(RawConnection connection, byte[] bytes, int chunk, TimeSpan pause, TimeSpan giveUpAfter)
    {
        var started = Stopwatch.StartNew();
        var closed = WatchAsync();
        for (var offset = 0; offset < bytes.Length && !closed.IsCompleted; offset += chunk)
        {
            if (!await connection.SendAsync(bytes.AsMemory(offset, Math.Min(chunk, bytes.Length - offset))))
            {
                break;
            }

            await Task.WhenAny(closed, Task.Delay(pause));
        }

        return await closed;

        async Task<TimeSpan?> WatchAsync() => await connection.ReadToEndAsync(giveUpAfter) ? started.Elapsed : null;
    }
}

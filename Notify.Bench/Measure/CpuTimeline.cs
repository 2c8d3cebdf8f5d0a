namespace Notify.Bench.Measure;

/// <summary>
/// The server's CPU second by second while an idle run holds its connections: what its own timers cost, and how that
/// changes as they back off (Notify checks a quiet topic's head less and less often).
/// </summary>
internal sealed class CpuTimeline : IAsyncDisposable
{
    private readonly List<double> _percent = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public CpuTimeline(ProcessSampler server) =>
        _sampling = server.IsEmpty ? Task.CompletedTask : Task.Run(() => SampleAsync(server, _stop.Token), CancellationToken.None);

    /// <summary>Stops sampling; each entry is one second's CPU, in percent of one core, from the start.</summary>
    public async Task<IReadOnlyList<double>> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        lock (_percent)
        {
            return [.. _percent];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync(ProcessSampler server, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var previous = server.Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var current = server.Sample();
                lock (_percent)
                {
                    _percent.Add(Math.Round(current.CpuPercentSince(previous), 1));
                }

                previous = current;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

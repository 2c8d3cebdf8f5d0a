using System.Diagnostics;
using Notify.Bench.Measure;

namespace Notify.Bench.Load;

/// <summary>The phases of a run around its measured window: connecting, settling, dropping subscribers, draining.</summary>
internal sealed partial class ScenarioRunner
{
    private async Task<int> ConnectAsync(Subscriber[] subscribers, List<Task> running, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(30 + (scenario.Subscribers / 200));
        var opening = new SemaphoreSlim(scenario.ConnectParallelism); // not disposed: late releases may still come
        var ready = new List<Task>(subscribers.Length);
        foreach (var subscriber in subscribers)
        {
            await opening.WaitAsync(cancellationToken);
            running.Add(Task.Run(() => subscriber.RunAsync(stopping), CancellationToken.None));
            ready.Add(subscriber.Ready.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None)
                .ContinueWith(_ => opening.Release(), TaskScheduler.Default));
            progress.Report($"connecting {ready.Count:N0}/{subscribers.Length:N0}");
        }

        try
        {
            await Task.WhenAll(subscribers.Select(s => s.Ready)).WaitAsync(deadline, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Measuring with fewer subscribers than asked would compare different things: stop here.
            throw new TimeoutException(
                $"Only {subscribers.Count(s => s.Ready.IsCompleted):N0} of {subscribers.Length:N0} subscribers connected within {deadline.TotalSeconds:0} s.");
        }

        return subscribers.Length;
    }

    /// <summary>A reading taken once the server's memory has stopped growing (connections just opened may still be settling).</summary>
    private async Task<ProcessSample> SettledSampleAsync(CancellationToken cancellationToken)
    {
        var previous = server.Sample();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(500, cancellationToken);
            var current = server.Sample();
            if (Math.Abs(current.ResidentBytes - previous.ResidentBytes) < previous.ResidentBytes / 200)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private async Task<Subscriber[]> DropAsync(Subscriber[] subscribers, CancellationToken publishing)
    {
        try
        {
            await Task.Delay(scenario.Duration / 3, publishing);
        }
        catch (OperationCanceledException)
        {
            return [];
        }

        var step = (int)Math.Round(1 / scenario.DropFraction);
        var dropped = subscribers.Where((_, i) => i % step == 0).ToArray();
        foreach (var subscriber in dropped)
        {
            subscriber.Drop(scenario.DropFor);
        }

        progress.Report($"dropped {dropped.Length:N0} subscribers for {scenario.DropFor.TotalSeconds:0.#} s");
        return dropped;
    }

    private async Task ReportWhileAsync(Task work, string phase, Publisher publisher, RunMetrics metrics, int connected)
    {
        while (!work.IsCompleted)
        {
            progress.Report($"{phase}: {connected:N0} connected, {publisher.Acknowledged:N0} published, {metrics.Deliveries:N0} delivered");
            await Task.WhenAny(work, Task.Delay(500));
        }

        await work;
    }

    private async Task DrainAsync(RunMetrics metrics, long expected, Publisher publisher, int connected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(scenario.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        // A failed publish may still have been stored and delivered: then the count of deliveries can reach
        // the expected one while acknowledged events are still on their way, so wait out the drain time.
        while ((metrics.Deliveries < expected || publisher.Failed > 0) && Stopwatch.GetTimestamp() < deadline)
        {
            progress.Report($"draining: {connected:N0} connected, {publisher.Acknowledged:N0} published, {metrics.Deliveries:N0}/{expected:N0} delivered");
            await Task.Delay(50, cancellationToken);
        }
    }
}

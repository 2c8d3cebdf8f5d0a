using Microsoft.Extensions.Options;
using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>
/// The clock of every fan-out's head checks (<see cref="HeadCheckSchedule"/>): one timer for the whole silo instead of
/// one per watched topic, so 10,000 quiet topics cost one wake-up per tick, not 10,000.
/// </summary>
public sealed class StreamHeadChecks(SubscriptionRegistry registry, IOptions<SseOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = HeadCheckSchedule.TickFor(options.Value.StreamCheckInterval);
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var fanout in registry.Fanouts)
                {
                    fanout.TickHeadChecks(tick);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using Microsoft.Extensions.Options;
using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Queues a heartbeat comment on every subscription that has written nothing for the heartbeat interval.
/// One timer for the whole silo instead of one per connection.
/// </summary>
public sealed class SubscriptionHeartbeats(SubscriptionRegistry registry, IOptions<SseOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HeartbeatInterval;
        // Checking four times per interval sends each heartbeat at most a quarter-interval late.
        using var timer = new PeriodicTimer(interval / 4);
        var intervalMs = (long)interval.TotalMilliseconds;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Environment.TickCount64;
                foreach (var fanout in registry.Fanouts)
                {
                    fanout.HeartbeatIdle(now, intervalMs);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

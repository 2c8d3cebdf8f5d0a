using Microsoft.Extensions.Options;
using Notify.Api.Subscriptions;
using Orleans.Runtime;

namespace Notify.Api.Presence;

/// <summary>
/// Writes this silo's connections per topic to the <see cref="ISubscriberCountStore"/>: every
/// <see cref="SubscriberCountOptions.ReportInterval"/> the topics whose count changed, in one batch, so a topic with
/// 100,000 subscribers costs a write per interval, not per connect; every <see cref="SubscriberCountOptions.RefreshInterval"/>
/// all of them again, in case the store lost them. Leaving, it removes its counts.
/// </summary>
public sealed partial class SubscriberCountReporter(
    SubscriptionRegistry registry,
    ISubscriberCountStore store,
    ILocalSiloDetails silo,
    IOptions<SubscriberCountOptions> options,
    ILogger<SubscriberCountReporter> logger) : BackgroundService
{
    private readonly string _silo = silo.SiloAddress.ToParsableString();
    private Dictionary<string, int> _reported = new(StringComparer.Ordinal);
    private long _reportedVersion = -1; // the registry's CountsVersion that _reported was read at

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReportInterval);
        var nextRefresh = DateTime.UtcNow + options.Value.RefreshInterval;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var refresh = DateTime.UtcNow >= nextRefresh;
                var version = registry.CountsVersion;
                if (!refresh && version == _reportedVersion)
                {
                    continue; // nothing attached or detached since the last report: no need to read 10,000 topics
                }

                if (await ReportAsync(Current(), refresh, stoppingToken))
                {
                    _reportedVersion = version;
                    if (refresh)
                    {
                        nextRefresh = DateTime.UtcNow + options.Value.RefreshInterval;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        leaving.CancelAfter(TimeSpan.FromSeconds(2)); // best effort: a dead silo's counts are dropped by readers anyway
        await ReportAsync(new Dictionary<string, int>(StringComparer.Ordinal), refresh: false, leaving.Token);
    }

    private Dictionary<string, int> Current() =>
        registry.Fanouts.Where(f => f.SubscriptionCount > 0).ToDictionary(f => f.Topic, f => f.SubscriptionCount, StringComparer.Ordinal);

    /// <summary>Writes what changed since the last report (everything when <paramref name="refresh"/>); false when the store failed.</summary>
    private async Task<bool> ReportAsync(Dictionary<string, int> current, bool refresh, CancellationToken cancellationToken)
    {
        var changes = current.Where(c => refresh || !_reported.TryGetValue(c.Key, out var before) || before != c.Value)
            .Concat(_reported.Keys.Where(topic => !current.ContainsKey(topic)).Select(topic => new KeyValuePair<string, int>(topic, 0)))
            .ToList();
        if (changes.Count == 0)
        {
            return true;
        }

        try
        {
            await store.WriteAsync(_silo, changes, cancellationToken);
            _reported = current;
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReportFailed(logger, exception, changes.Count); // retried at the next interval: _reported is unchanged
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} subscriber counts to the store; retrying")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, int count);
}

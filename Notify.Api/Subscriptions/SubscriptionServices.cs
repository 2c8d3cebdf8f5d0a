using Notify.Api.Diagnostics;
using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>What every subscription of this silo shares, handed to each by the <see cref="SubscriptionRegistry"/>.</summary>
/// <param name="Reader">Reads replays and catch-ups from topic grains.</param>
/// <param name="Options">How streams behave.</param>
/// <param name="Metrics">Notify's instruments.</param>
/// <param name="Logger">The subscriptions' logger.</param>
/// <param name="Wakeups">Resumes the subscriptions' writers when frames arrive, a slice of them per work item.</param>
/// <param name="SiloStopping">Fires when the silo begins to stop: every stream then asks its client to come back soon.</param>
internal sealed record SubscriptionServices(
    TopicReader Reader,
    SseOptions Options,
    NotifyMetrics Metrics,
    ILogger<TopicSubscription> Logger,
    WriterWakeups Wakeups,
    CancellationToken SiloStopping);

using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Limits;
using Notify.Api.Security;
using Notify.Api.Subscriptions;

namespace Notify.Api.Topics;

/// <summary>What the topic endpoints depend on, bound with <c>[AsParameters]</c>.</summary>
public sealed record TopicServices(
    IClusterClient Client,
    SubscriptionRegistry Subscriptions,
    TopicReader Reader,
    IOptions<PublishOptions> PublishOptions,
    PublishPacing Pacing,
    IOptions<UnavailableOptions> UnavailableOptions,
    NotifyMetrics Metrics,
    TopicAccess Access,
    SiloConnections Connections,
    IOptions<LimitOptions> Limits,
    IOptions<Sse.SseOptions> Sse,
    ILogger<TopicServices> Logger);

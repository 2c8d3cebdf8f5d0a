using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Limits;
using Notify.Api.Security;
using Notify.Api.Subscriptions;

namespace Notify.Api.Topics;

/// <summary>
/// What the topic endpoints depend on: one instance for the silo (every part is a singleton). Not bound with
/// <c>[AsParameters]</c>, which builds one per request, and a stream's endpoint keeps it for the stream's life.
/// </summary>
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

using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Subscriptions;

namespace Notify.Api.Topics;

/// <summary>What the topic endpoints depend on, bound with <c>[AsParameters]</c>.</summary>
public sealed record TopicServices(
    IClusterClient Client,
    SubscriptionRegistry Subscriptions,
    TopicReader Reader,
    IOptions<PublishOptions> PublishOptions,
    IOptions<UnavailableOptions> UnavailableOptions,
    NotifyMetrics Metrics,
    ILogger<TopicServices> Logger);

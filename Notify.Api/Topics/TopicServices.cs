using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;

namespace Notify.Api.Topics;

/// <summary>What the topic endpoints depend on, bound with <c>[AsParameters]</c>.</summary>
public sealed record TopicServices(
    IClusterClient Client,
    TopicFanoutRegistry Fanouts,
    IOptions<PublishOptions> PublishOptions,
    IOptions<SseOptions> SseOptions,
    NotifyMetrics Metrics,
    IHostApplicationLifetime Lifetime,
    ILogger<TopicServices> Logger);

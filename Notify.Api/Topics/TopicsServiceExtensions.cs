using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Grains.Storage;
using Notify.Grains.Topics;

namespace Notify.Api.Topics;

/// <summary>Registers what the topic endpoints need.</summary>
public static class TopicsServiceExtensions
{
    public static WebApplicationBuilder AddNotifyTopics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublishOptions>().BindConfiguration(PublishOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SseOptions>().BindConfiguration(SseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddKeyedSingleton(TopicOptions.ClockKey, TimeProvider.System);
        services.TryAddSingleton<ITopicLog, MemoryTopicLog>();

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TopicsJsonContext.Default));

        services.AddSingleton<NotifyMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(NotifyMetrics.MeterName));

        // Registered after the silo: hosted services stop in reverse order, so the fanouts
        // drop their stream subscriptions while the silo still runs.
        services.AddSingleton<TopicFanoutRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<TopicFanoutRegistry>());
        services.AddHostedService<SseHeartbeats>();
        return builder;
    }
}

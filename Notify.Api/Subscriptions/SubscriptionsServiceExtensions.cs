using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Orleans.Runtime;

namespace Notify.Api.Subscriptions;

/// <summary>Registers the subscription path: topic reads, the per-topic fan-outs and their subscriptions, heartbeats.</summary>
public static class SubscriptionsServiceExtensions
{
    public static WebApplicationBuilder AddNotifySubscriptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SseOptions>().BindConfiguration(SseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TopicReadOptions>().BindConfiguration(TopicReadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<NotifyMetrics>();
        services.AddSingleton<TopicReader>();
        services.AddSingleton<LocalWriteWaits>();

        // The registry stops with the silo (a lifecycle participant), not as a hosted service, so that it always
        // drops its stream subscriptions before Orleans stops, whatever order the services were added in.
        services.AddSingleton<SubscriptionRegistry>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SubscriptionRegistry>());
        services.AddHostedService<SubscriptionHeartbeats>();
        services.AddHostedService<StreamHeadChecks>();

        // Subscriber counts: each silo writes its own to the store, any silo reads them all.
        services.AddOptions<Presence.SubscriberCountOptions>().BindConfiguration(Presence.SubscriberCountOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<Presence.SubscriberCountReporter>();
        services.AddSingleton<Presence.SubscriberCounts>();
        return builder;
    }
}

using Microsoft.Extensions.Options;
using Notify.Grains.Diagnostics;
using Notify.Grains.Placement;
using Notify.Grains.Streaming;
using Notify.Grains.Topics;
using Orleans.Configuration;

namespace Notify.Api.Hosting;

/// <summary>Co-hosts the Orleans silo in the web app, with the topic grains and their store.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Configures the silo from the <c>Orleans</c> section exactly as Aspire writes it
    /// (<c>Orleans__Clustering__ProviderType</c>, <c>Orleans__Endpoints__SiloPort</c>, ...). Whatever that
    /// section leaves out gets the embedded default: localhost clustering, memory grain storage for
    /// stream pub-sub and doorbell memory streams, so one silo runs with nothing else installed.
    /// </summary>
    public static WebApplicationBuilder AddNotifySilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.AddNotifyStore();
        builder.Services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddKeyedSingleton(TopicOptions.ClockKey, TimeProvider.System);
        builder.Services.AddSingleton<TopicStoreMetrics>();
        builder.Services.AddSingleton<TopicActivations>();
        builder.Services.AddSingleton<SiloMembership>();
        builder.Services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.UseOrleans(silo =>
        {
            if (!orleans.GetSection("Clustering").Exists())
            {
                var endpoints = orleans.GetSection("Endpoints");
                silo.UseLocalhostClustering(
                    siloPort: endpoints.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                    gatewayPort: endpoints.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT));
            }

            if (!orleans.GetSection($"GrainStorage:{NotifyProviderNames.PubSubStore}").Exists())
            {
                silo.AddMemoryGrainStorage(NotifyProviderNames.PubSubStore);
            }

            if (!orleans.GetSection($"Streaming:{NotifyProviderNames.Streams}").Exists())
            {
                silo.AddDoorbellMemoryStreams(NotifyProviderNames.Streams);
            }

            // A topic's grain starts on the silo the gateway sends the topic's publishes to (its owner, by silo name).
            silo.AddTopicOwnerPlacement();

            // No AddActivityPropagation(): its grain call filters put every grain call, the stream's own among them,
            // through Orleans' filter pipeline, traced or not (15 % of what a busy silo allocated; docs/performance.md).
            // A publish carries its trace itself (PublishRequest.TraceParent) to the grain's notify.publish span.
            ConfigureFailureDetection(silo.Services, orleans.GetSection("Membership"));
            ConfigureStreams(silo.Services);
        });

        builder.Services.AddWatchdogStartRaceFilter();
        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("orleans-silo");

        // A stopping silo ends its streams at once and hands its grains over; it must not linger.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>
    /// How fast a silo that stopped answering (killed, frozen, cut off) is declared dead, which is when the publishes
    /// waiting on its grains are failed and its topics start again elsewhere. Orleans' defaults take 15–30 s: probes
    /// time out after up to 4 × 5 s, three must be missed, and a silo whose connection carried messages within
    /// that window is not suspected at all. Notify's topics must publish again within 10 s, so: probes every 2 s,
    /// timing out after 1–2 s, two missed. A silo unresponsive for about 4 s is then declared dead. One that comes back
    /// (a long pause, a stalled VM) reads the membership table within 5 s, finds itself dead and stops, instead of
    /// serving requests for a minute as a zombie. Anything in <c>Orleans:Membership</c> overrides these.
    /// </summary>
    private static void ConfigureFailureDetection(IServiceCollection services, IConfiguration membership)
    {
        services.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 2;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        });
        services.Configure<ClusterMembershipOptions>(membership);
    }

    /// <summary>
    /// Tunes the stream provider from <c>Notify:Streams</c>, whether the provider came from configuration (Aspire)
    /// or from the embedded default.
    /// </summary>
    private static void ConfigureStreams(IServiceCollection services)
    {
        const string name = NotifyProviderNames.Streams;
        services.AddOptions<StreamPullingAgentOptions>(name)
            .Configure<IOptions<StreamOptions>>((agent, streams) => agent.GetQueueMsgsTimerPeriod = streams.Value.PullingPeriod);
        services.AddOptions<HashRingStreamQueueMapperOptions>(name)
            .Configure<IOptions<StreamOptions>>((queues, streams) => queues.TotalQueueCount = streams.Value.QueueCount);
        services.AddOptions<StreamCacheEvictionOptions>(name)
            .Configure<IOptions<StreamOptions>>((cache, streams) =>
            {
                // An event is purged once it has been cached this long and a newer one is this much younger.
                cache.DataMinTimeInCache = streams.Value.CacheWindow;
                cache.DataMaxAgeInCache = streams.Value.CacheWindow;
            });
        services.AddOptions<DoorbellStreamOptions>(name)
            .BindConfiguration(StreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}

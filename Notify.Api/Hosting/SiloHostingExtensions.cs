using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Grains.Streaming;
using OpenTelemetry.Trace;
using Orleans.Configuration;

namespace Notify.Api.Hosting;

/// <summary>Co-hosts the Orleans silo in the web app.</summary>
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
        builder.Services.AddOptions<StreamOptions>()
            .BindConfiguration(StreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

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

            // Failure detection (how fast a dead silo's grains move) is tunable as Orleans:Membership:*.
            silo.Services.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership"));

            // These apply whether the provider came from configuration (Aspire) or from the line above.
            var name = NotifyProviderNames.Streams;
            silo.Services.AddOptions<StreamPullingAgentOptions>(name)
                .Configure<IOptions<StreamOptions>>((agent, streams) => agent.GetQueueMsgsTimerPeriod = streams.Value.PullingPeriod);
            silo.Services.AddOptions<HashRingStreamQueueMapperOptions>(name)
                .Configure<IOptions<StreamOptions>>((queues, streams) => queues.TotalQueueCount = streams.Value.QueueCount);
            silo.Services.AddOptions<DoorbellStreamOptions>(name)
                .Configure<IOptions<StreamOptions>>((doorbell, streams) => doorbell.ReadWait = streams.Value.ReadWait);
        });

        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("orleans-silo");

        // A stopping silo ends its streams at once and hands its grains over; it must not linger.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.SetSampler(new StreamReadSampler()));
        return builder;
    }
}

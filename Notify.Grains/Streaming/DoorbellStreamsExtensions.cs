using Microsoft.Extensions.DependencyInjection;
using Notify.Grains.Streaming;

[assembly: RegisterProvider(NotifyProviderNames.DoorbellStreamsType, "Streaming", "Silo", typeof(DoorbellStreamProviderBuilder))]
[assembly: RegisterProvider(NotifyProviderNames.DoorbellStreamsType, "Streaming", "Client", typeof(DoorbellStreamProviderBuilder))]

namespace Notify.Grains.Streaming;

/// <summary>
/// Registers doorbell memory stream providers, in code or from configuration
/// (<c>Orleans:Streaming:{name}:ProviderType</c> = <see cref="NotifyProviderNames.DoorbellStreamsType"/>).
/// </summary>
public static class DoorbellStreamsExtensions
{
    /// <summary>Adds a doorbell memory stream provider named <paramref name="name"/> to a silo.</summary>
    public static ISiloBuilder AddDoorbellMemoryStreams(this ISiloBuilder builder, string name, Action<ISiloRecoverableStreamConfigurator>? configure = null)
    {
        builder.Services.AddOptions<DoorbellStreamOptions>(name);
        var configurator = new SiloRecoverableStreamConfigurator(
            name,
            configureServices => builder.ConfigureServices(configureServices),
            DoorbellQueueAdapterFactory.Create);
        configure?.Invoke(configurator);
        return builder;
    }

    /// <summary>Adds a doorbell memory stream provider named <paramref name="name"/> to a client (it only produces).</summary>
    public static IClientBuilder AddDoorbellMemoryStreams(this IClientBuilder builder, string name)
    {
        builder.Services.AddOptions<DoorbellStreamOptions>(name);
        _ = new ClusterClientPersistentStreamConfigurator(name, builder, DoorbellQueueAdapterFactory.Create);
        return builder;
    }
}

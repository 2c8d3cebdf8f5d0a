using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notify.Grains.Streaming;
using Orleans.Providers;

[assembly: RegisterProvider(LongPollStreamsExtensions.ProviderType, "Streaming", "Silo", typeof(LongPollStreamProviderBuilder))]
[assembly: RegisterProvider(LongPollStreamsExtensions.ProviderType, "Streaming", "Client", typeof(LongPollStreamProviderBuilder))]

namespace Notify.Grains.Streaming;

/// <summary>Registers long-poll stream providers, in code or from configuration (<c>ProviderType=LongPoll</c>).</summary>
public static class LongPollStreamsExtensions
{
    /// <summary>The <c>Orleans:Streaming:{name}:ProviderType</c> that selects this provider.</summary>
    public const string ProviderType = NotifyProviderNames.LongPollStreamsType;

    /// <summary>Adds a long-poll stream provider named <paramref name="name"/> to a silo.</summary>
    public static ISiloBuilder AddLongPollStreams(this ISiloBuilder builder, string name, Action<ISiloPersistentStreamConfigurator>? configure = null)
    {
        builder.Services.AddOptions<LongPollStreamOptions>(name);
        return builder.AddPersistentStreams(name, LongPollQueueAdapter.Create, stream => configure?.Invoke(stream));
    }

    /// <summary>Adds a long-poll stream provider named <paramref name="name"/> to a client.</summary>
    public static IClientBuilder AddLongPollStreams(this IClientBuilder builder, string name)
    {
        builder.Services.AddOptions<LongPollStreamOptions>(name);
        return builder.AddPersistentStreams(name, LongPollQueueAdapter.Create, _ => { });
    }
}

/// <summary>Builds the provider when configuration names it (e.g. <c>Orleans__Streaming__TopicStreams__ProviderType=LongPoll</c>).</summary>
internal sealed class LongPollStreamProviderBuilder : IProviderBuilder<ISiloBuilder>, IProviderBuilder<IClientBuilder>
{
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.AddLongPollStreams(name);
        builder.Services.AddOptions<LongPollStreamOptions>(name).Bind(configurationSection);
    }

    public void Configure(IClientBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.AddLongPollStreams(name);
        builder.Services.AddOptions<LongPollStreamOptions>(name).Bind(configurationSection);
    }
}

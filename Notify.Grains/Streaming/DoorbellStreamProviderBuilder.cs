using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;

namespace Notify.Grains.Streaming;

/// <summary>Builds the provider when configuration names it (<c>Orleans__Streaming__{name}__ProviderType=DoorbellMemory</c>).</summary>
/// <remarks>Its options (<see cref="DoorbellStreamOptions"/>, named after the provider) are the host's to configure.</remarks>
internal sealed class DoorbellStreamProviderBuilder : IProviderBuilder<ISiloBuilder>, IProviderBuilder<IClientBuilder>
{
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.AddDoorbellMemoryStreams(name);
    }

    public void Configure(IClientBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.AddDoorbellMemoryStreams(name);
    }
}

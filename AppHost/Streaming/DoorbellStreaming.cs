using Aspire.Hosting.Orleans;
using Notify.Grains.Streaming;

namespace Notify.AppHost.Streaming;

/// <summary>
/// Declares an Orleans stream provider of Notify's doorbell memory type on the Orleans resource, the way
/// <c>WithMemoryStreaming</c> declares memory streams: silos get <c>Orleans__Streaming__{name}__ProviderType=DoorbellMemory</c>.
/// </summary>
internal sealed class DoorbellStreaming : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath) where T : IResourceWithEnvironment =>
        resourceBuilder.WithEnvironment($"Orleans__{configSectionPath.Replace(":", "__", StringComparison.Ordinal)}__ProviderType", NotifyProviderNames.DoorbellStreamsType);
}

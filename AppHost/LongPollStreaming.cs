using Aspire.Hosting.Orleans;
using Notify.Grains;

/// <summary>
/// Declares an Orleans stream provider of Notify's long-poll type on the Orleans resource, the way
/// <c>WithMemoryStreaming</c> declares memory streams: silos get <c>Orleans__Streaming__{name}__ProviderType=LongPoll</c>.
/// </summary>
internal sealed class LongPollStreaming : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath) where T : IResourceWithEnvironment =>
        resourceBuilder.WithEnvironment($"Orleans__{configSectionPath.Replace(":", "__", StringComparison.Ordinal)}__ProviderType", NotifyProviderNames.LongPollStreamsType);
}

using Microsoft.Extensions.DependencyInjection;
using Notify.Grains.Storage;
using Notify.Grains.Streaming;
using Notify.Grains.Topics;
using Orleans.TestingHost;

namespace Notify.Tests.Fixtures;

/// <summary>An in-process Orleans test cluster of two silos hosting the topic grain.</summary>
public sealed class TopicClusterFixture : IAsyncLifetime
{
    public const int BufferMaxEvents = 50;
    public const long BufferMaxBytes = 10_000;
    public static readonly TimeSpan BufferMaxAge = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromMinutes(5);

    /// <summary>The silos' clock (the silos run in this process).</summary>
    public static ManualTimeProvider Clock { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(NotifyProviderNames.PubSubStore);
            siloBuilder.AddDoorbellMemoryStreams(NotifyProviderNames.Streams);
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(TopicOptions.ClockKey, Clock);
            siloBuilder.Services.AddSingleton<ITopicLog, MemoryTopicLog>();
            siloBuilder.Services.Configure<TopicOptions>(options =>
            {
                options.BufferMaxEvents = BufferMaxEvents;
                options.BufferMaxBytes = BufferMaxBytes;
                options.BufferMaxAge = BufferMaxAge;
                options.IdempotencyWindow = IdempotencyWindow;
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.AddDoorbellMemoryStreams(NotifyProviderNames.Streams);
    }
}

[CollectionDefinition(Name)]
public sealed class UsesTopicCluster : ICollectionFixture<TopicClusterFixture>
{
    public const string Name = "Topic grains on a two-silo test cluster";
}

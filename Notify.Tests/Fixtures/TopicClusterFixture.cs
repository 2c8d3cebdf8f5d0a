using Microsoft.Extensions.DependencyInjection;
using Notify.Grains.Diagnostics;
using Notify.Grains.Placement;
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

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Loses a topic's history the way restarting the silos would: forgotten by every silo's log, its grain gone.</summary>
    public async Task LoseHistoryAsync(string topic)
    {
        foreach (var silo in Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            ((MemoryTopicLog)silo.SiloHost.Services.GetRequiredService<ITopicLog>()).Forget(topic);
        }

        await Client.GetGrain<ITopicGrain>(topic).AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
    }

    /// <summary>Moves the clock of every silo of this cluster (each has its own, all starting at the same instant).</summary>
    public void AdvanceClock(TimeSpan by)
    {
        foreach (var silo in Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            ((ManualTimeProvider)silo.SiloHost.Services.GetRequiredKeyedService<TimeProvider>(TopicOptions.ClockKey)).Advance(by);
        }
    }

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
            siloBuilder.AddTopicOwnerPlacement();
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(TopicOptions.ClockKey, new ManualTimeProvider());
            siloBuilder.Services.AddSingleton<ITopicLog, MemoryTopicLog>();
            siloBuilder.Services.AddSingleton<TopicStoreMetrics>();
            siloBuilder.Services.AddSingleton<TopicActivations>();
            siloBuilder.Services.AddSingleton<SiloMembership>();
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

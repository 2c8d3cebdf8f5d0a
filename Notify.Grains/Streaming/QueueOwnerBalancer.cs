using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.Grains.Placement;
using Orleans.Core.Internal;
using Orleans.Providers;
using Orleans.Runtime.Placement;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// Gives each silo's pulling agents the stream queues it owns (<see cref="QueueOwners"/>, over the active silos' names),
/// so a queue is read on the silo that holds its topics' grains and takes their publishes. When it takes a queue over,
/// it moves the queue's memory queue and doorbell grains to itself; otherwise they would stay wherever they were
/// active, and every enqueue and read would cross between processes again.
/// </summary>
/// <remarks>
/// Orleans' default balancer spreads queues over a ring of silo addresses, so a queue was read on any silo, and its
/// grains lived on any other. Two silos whose views of the cluster differ for a moment may both read a queue, or
/// neither: the agents already tolerate that on every rebalance, and a fan-out repairs what its stream missed from the grain.
/// </remarks>
internal sealed partial class QueueOwnerBalancer : QueueBalancerBase
{
    private readonly IClusterMembershipService _membership;
    private readonly StreamQueueOwners _owners;
    private readonly IGrainFactory _grains;
    private readonly string _provider;
    private readonly ILogger _logger;
    private readonly LocalStreamQueues _local;
    private readonly CancellationToken _stopping;
    /// <summary>When a taken queue's grains are asked to move here: at once, and again as the other silos' views catch up.</summary>
    private static readonly TimeSpan[] MoveAgainAfter = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)];

    private QueueId[] _queues = [];
    private ImmutableArray<QueueId> _mine = [];

    private QueueOwnerBalancer(IServiceProvider services, string provider, ILogger<QueueOwnerBalancer> logger)
        : base(services, logger)
    {
        _membership = services.GetRequiredService<IClusterMembershipService>();
        _owners = services.GetRequiredService<StreamQueueOwners>();
        _grains = services.GetRequiredService<IGrainFactory>();
        _provider = provider;
        _logger = logger;
        _local = services.GetRequiredService<LocalStreamQueues>();
        _stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    }

    /// <summary>The balancer for the provider named <paramref name="provider"/>.</summary>
    public static IStreamQueueBalancer Create(IServiceProvider services, string provider) =>
        new QueueOwnerBalancer(services, provider, services.GetRequiredService<ILogger<QueueOwnerBalancer>>());

    public override Task Initialize(IStreamQueueMapper queueMapper)
    {
        ArgumentNullException.ThrowIfNull(queueMapper);
        _queues = [.. queueMapper.GetAllQueues().OrderBy(queue => queue.GetNumericId())];
        var active = _membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress)
            .ToHashSet();
        active.Add(SiloAddress); // the agents start once this silo is active, whether or not the snapshot says so yet
        Rebalance(active);
        return base.Initialize(queueMapper);
    }

    public override IEnumerable<QueueId> GetMyQueues() => _mine;

    protected override void OnClusterMembershipChange(HashSet<SiloAddress> activeSilos)
    {
        if (Rebalance(activeSilos))
        {
            NotifyListeners().Ignore();
        }
    }

    /// <summary>Takes this silo's queues among <paramref name="activeSilos"/>; true when they changed.</summary>
    private bool Rebalance(HashSet<SiloAddress> activeSilos)
    {
        if (_queues.Length == 0 || !activeSilos.Contains(SiloAddress))
        {
            return false; // stopping or not yet active: keep what it reads until the agents are stopped
        }

        var silos = activeSilos.ToArray();
        var owners = new int[_queues.Length];
        _owners.Assign(silos, owners);
        var mine = _queues.Where(queue => silos[owners[queue.GetNumericId()]].Equals(SiloAddress)).ToImmutableArray();
        if (mine.SequenceEqual(_mine))
        {
            return false;
        }

        var taken = mine.Except(_mine).ToArray();
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var numbers = string.Join(",", mine.Select(queue => queue.GetNumericId()));
            LogQueuesAssigned(numbers, silos.Length);
        }

        _mine = mine;
        _local.Set(mine.Select(queue => queue.GetNumericId()));
        if (silos.Length > 1)
        {
            _ = MoveGrainsHereAsync(taken); // alone, a silo has them all anyway
        }

        return true;
    }

    /// <summary>
    /// Asks the grains of <paramref name="queues"/> to move to this silo (they start here if they are not active), and
    /// asks again a little later. The silo that holds a grain decides with its own view of the cluster, and a silo
    /// that has not yet seen this one become active keeps the grain; asked again once it has, it lets it go.
    /// </summary>
    private async Task MoveGrainsHereAsync(QueueId[] queues)
    {
        await Task.Yield(); // off the membership listener; the hint below stays in this flow
        RequestContext.Set(IPlacementDirector.PlacementHintKey, SiloAddress);
        foreach (var delay in MoveAgainAfter)
        {
            try
            {
                await Task.Delay(delay, _stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var queue in queues.Where(_mine.Contains))
            {
                if (_stopping.IsCancellationRequested)
                {
                    return; // a call now could find this silo unable to address it, which Orleans logs as an error
                }

                await MoveHereAsync(_grains.GetGrain<IMemoryStreamQueueGrain>(StreamQueueGrainIds.MemoryQueueKey(_provider, queue)), queue);
                await MoveHereAsync(_grains.GetGrain<IQueueDoorbellGrain>(StreamQueueGrainIds.DoorbellKey(_provider, queue.GetNumericId())), queue);
            }
        }
    }

    private async Task MoveHereAsync(IAddressable grain, QueueId queue)
    {
        try
        {
            await grain.Cast<IGrainManagementExtension>().MigrateOnIdle();
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // Only speed is at stake: a grain elsewhere still works, one hop further away.
            var number = queue.GetNumericId();
            LogMoveFailed(exception, number);
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This silo now reads stream queues {Queues} (of {SiloCount} active silos)")]
    private partial void LogQueuesAssigned(string queues, int siloCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not move the grains of stream queue {Queue} to this silo; they keep working where they are")]
    private partial void LogMoveFailed(Exception exception, uint queue);
}

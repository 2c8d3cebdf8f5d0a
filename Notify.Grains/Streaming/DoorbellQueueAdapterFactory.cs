using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// Orleans' memory streams, with a doorbell per queue so that readers wait for data instead of polling.
/// </summary>
/// <remarks>
/// Why: memory streams' pulling agents read each queue on a timer (every 100 ms by default), so an event
/// on a quiet topic waits up to a whole period, and a shorter period costs CPU on every idle silo. Here the
/// queues, their cache and the agents are Orleans' own; only the receiver changes: after an empty read it
/// waits for a ring, which producers send after each enqueue: in-process when the queue's reader is on their silo
/// (<see cref="LocalQueueReaders"/>; always so with one silo), else through the queue's <see cref="IQueueDoorbellGrain"/>.
/// </remarks>
public sealed class DoorbellQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly MemoryAdapterFactory<DefaultMemoryMessageBodySerializer> _memory;
    private readonly IGrainFactory _grains;
    private readonly TimeSpan _readWait;
    private readonly TimeProvider _time;
    private readonly LocalQueueReaders _readers;

    // One reference per queue, made once: GetGrain formats and parses the interface's type name on every call, which
    // with the key's string was 1.4 % of what a busy silo allocated (ring per publish; docs/performance.md).
    private readonly ConcurrentDictionary<QueueId, IQueueDoorbellGrain> _doorbells = new();

    private DoorbellQueueAdapterFactory(MemoryAdapterFactory<DefaultMemoryMessageBodySerializer> memory, IGrainFactory grains, TimeSpan readWait, TimeProvider time)
    {
        _memory = memory;
        _grains = grains;
        _readWait = readWait;
        _time = time;
        _readers = new LocalQueueReaders(readers => grains.CreateObjectReference<IQueueReadersObserver>(readers));
    }

    public string Name => _memory.Name;

    public bool IsRewindable => _memory.IsRewindable;

    public StreamProviderDirection Direction => _memory.Direction;

    /// <summary>The factory Orleans calls for a provider named <paramref name="name"/>.</summary>
    public static DoorbellQueueAdapterFactory Create(IServiceProvider services, string name) => new(
        MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name),
        services.GetRequiredService<IGrainFactory>(),
        services.GetRequiredService<IOptionsMonitor<DoorbellStreamOptions>>().Get(name).ReadWait,
        services.GetService<TimeProvider>() ?? TimeProvider.System);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _memory.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => _memory.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => _memory.GetDeliveryFailureHandler(queueId);

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        await _memory.QueueMessageBatchAsync(streamId, events, token, requestContext);
        var queue = _memory.GetStreamQueueMapper().GetQueueForStream(streamId);
        if (!_readers.TryRing(queue))
        {
            await Doorbell(queue).RingAsync();
        }
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new DoorbellQueueReceiver(queueId, _memory.CreateReceiver(queueId), _readers, Doorbell(queueId), _readWait, _time);

    private IQueueDoorbellGrain Doorbell(QueueId queueId) =>
        _doorbells.GetOrAdd(queueId, static (queue, factory) => factory._grains.GetGrain<IQueueDoorbellGrain>($"{factory.Name}/{queue.GetNumericId()}"), this);
}

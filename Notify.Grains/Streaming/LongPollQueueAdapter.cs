using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// A stream provider's queues: producers enqueue into <see cref="ILongPollQueueGrain"/>s (one per queue,
/// streams spread by a hash ring), and each queue's pulling agent reads with a waiting read.
/// </summary>
/// <remarks>
/// Why not Orleans' memory streams: their agents poll on a timer, so an event on a quiet topic waits up
/// to a whole polling period (100 ms by default), and shortening the period costs CPU on every idle
/// silo. Here a read returns as soon as data arrives, and an idle queue costs one call per read wait.
/// </remarks>
public sealed class LongPollQueueAdapter : IQueueAdapterFactory, IQueueAdapter
{
    private readonly IGrainFactory _grains;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly TimeSpan _readWait;

    private LongPollQueueAdapter(
        string name,
        IGrainFactory grains,
        HashRingStreamQueueMapperOptions queueOptions,
        SimpleQueueCacheOptions cacheOptions,
        LongPollStreamOptions options,
        ILoggerFactory loggerFactory)
    {
        Name = name;
        _grains = grains;
        _mapper = new HashRingBasedStreamQueueMapper(queueOptions, name);
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
        _readWait = options.ReadWait;
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>The factory Orleans calls for a provider named <paramref name="name"/>.</summary>
    public static LongPollQueueAdapter Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IGrainFactory>(),
        services.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get(name),
        services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name),
        services.GetRequiredService<IOptionsMonitor<LongPollStreamOptions>>().Get(name),
        services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("Long-poll streams are not rewindable: a sequence token cannot be given.", nameof(token));
        }

        var batch = new LongPollBatch(streamId, events.Cast<object>().ToArray(), requestContext);
        return Queue(_mapper.GetQueueForStream(streamId)).EnqueueAsync(batch);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new LongPollQueueReceiver(Queue(queueId), _readWait);

    private ILongPollQueueGrain Queue(QueueId queueId) =>
        _grains.GetGrain<ILongPollQueueGrain>($"{Name}/{queueId.GetNumericId()}");
}

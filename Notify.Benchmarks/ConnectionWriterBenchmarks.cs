using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Benchmarks;

/// <summary>
/// The per-connection writer: one encoded frame handed to many connections' queues, each connection's single
/// writer copying it into its response pipe and flushing; the pipes are drained as a socket would. Reported
/// per delivery (one frame reaching one connection), with allocations.
/// </summary>
[MemoryDiagnoser]
public class ConnectionWriterBenchmarks
{
    private const string Epoch = "k3v9q0x2ab";
    private readonly List<Pipe> _pipes = [];
    private readonly BlockMemoryPool _pool = new();
    private readonly List<Task> _running = [];
    private CancellationTokenSource _stop = null!;
    private TopicSubscription[] _connections = [];
    private ServiceProvider _services = null!;
    private long _sequence;
    private long _expected;
    private long _drained;
    private TaskCompletionSource _roundDrained = new();
    private long _roundTarget;

    /// <summary>Connections of one topic on one silo.</summary>
    private const int Connections = 1_000;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _services = new ServiceCollection().AddMetrics().AddSingleton<NotifyMetrics>().BuildServiceProvider();
        var metrics = _services.GetRequiredService<NotifyMetrics>();
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromHours(1), SendQueueLimit = 1024 };
        var grain = new LiveOnlyTopicGrain();
        var services = new SubscriptionServices(
            new TopicReader(Options.Create(new TopicReadOptions())), options, metrics, NullLogger<TopicSubscription>.Instance, new WriterWakeups(), CancellationToken.None);
        _stop = new CancellationTokenSource();
        _connections = new TopicSubscription[Connections];
        for (var i = 0; i < Connections; i++)
        {
            var pipe = new Pipe(new PipeOptions(_pool, pauseWriterThreshold: 0, useSynchronizationContext: false));
            _pipes.Add(pipe);
            _connections[i] = new TopicSubscription("bench", grain, StreamStart.Live, services);
            await _connections[i].ReadFirstPageAsync(CancellationToken.None);
            _running.Add(_connections[i].RunAsync(new SubscriberConnection(pipe.Writer, Abort: () => { }), _stop.Token));
            _running.Add(DrainAsync(pipe.Reader));
        }

        // Each stream opens with its retry: field; first flushes are not measured.
        await WaitForBytesAsync(SseFrame.Retry(options.RetryInterval).Bytes.Length * (long)Connections);
        await RoundAsync(1);
    }

    /// <summary>A quiet topic: each event is written and flushed on its own.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Connections)]
    public Task OneEventAtATime() => RoundAsync(1);

    /// <summary>A busy topic: eight events wait per connection and go out in one write.</summary>
    [Benchmark(OperationsPerInvoke = Connections * 8)]
    public Task EightEventsWaiting() => RoundAsync(8);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stop.CancelAsync();
        foreach (var pipe in _pipes)
        {
            await pipe.Writer.CompleteAsync();
        }

        await Task.WhenAll(_running).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        await _services.DisposeAsync();
        _pool.Dispose();
    }

    private Task RoundAsync(int events)
    {
        var frames = Enumerable.Range(0, events).Select(_ => Frame(++_sequence)).ToArray();
        var drained = WaitForBytesAsync(frames.Sum(f => (long)f.Bytes.Length) * Connections);
        foreach (var frame in frames)
        {
            foreach (var connection in _connections)
            {
                connection.Enqueue(frame);
            }
        }

        return drained;
    }

    private Task WaitForBytesAsync(long bytes)
    {
        _roundDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected += bytes;
        Volatile.Write(ref _roundTarget, _expected);
        if (Interlocked.Read(ref _drained) >= _expected)
        {
            _roundDrained.TrySetResult();
        }

        return _roundDrained.Task;
    }

    private static SseFrame Frame(long sequence) =>
        SseFrame.ForEvent(new TopicEvent(new EventPosition(Epoch, sequence), null, Encoding.UTF8.GetBytes(new string('x', 128)), DateTimeOffset.UtcNow));

    private async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            var length = result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (Interlocked.Add(ref _drained, length) >= Volatile.Read(ref _roundTarget))
            {
                _roundDrained.TrySetResult();
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Answers the live start of a topic with no events; the writer calls it again only after a gap, which these
    /// contiguous frames never make.
    /// </summary>
    private sealed class LiveOnlyTopicGrain : ITopicGrain
    {
        private static readonly EventPosition Start = new(Epoch, 0);

        public Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<TopicRead> ReadAsync(ResumeFrom from, int maxEvents, long maxBytes, CancellationToken cancellationToken = default) =>
            from.Kind == ResumeKind.Live
                ? Task.FromResult(new TopicRead(null, Start, [], Start))
                : throw new NotSupportedException("A gap in the benchmark's frames.");

        public Task<EventPosition> GetHeadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

using System.Text;
using BenchmarkDotNet.Attributes;
using Notify.Api.Sse;
using Notify.Grains.Events;

namespace Notify.Benchmarks;

/// <summary>Encoding one topic event into its SSE frame: done once per event per silo, whatever the subscribers.</summary>
[MemoryDiagnoser]
public class SseFrameBenchmarks
{
    private TopicEvent _small = null!;
    private TopicEvent _multiLine = null!;

    [GlobalSetup]
    public void Setup()
    {
        var position = new EventPosition("k3v9q0x2ab", 123_456);
        _small = new TopicEvent(position, null, Encoding.UTF8.GetBytes(new string('x', 128)), DateTimeOffset.UtcNow);
        var lines = string.Join("\n", Enumerable.Range(0, 16).Select(i => $"line {i}: " + new string('y', 56)));
        _multiLine = new TopicEvent(position, "order.updated", Encoding.UTF8.GetBytes(lines), DateTimeOffset.UtcNow);
    }

    [Benchmark(Baseline = true, Description = "128 B, one line")]
    public SseFrame Small() => SseFrame.ForEvent(_small);

    [Benchmark(Description = "1 KiB, 16 lines, typed")]
    public SseFrame MultiLine() => SseFrame.ForEvent(_multiLine);
}

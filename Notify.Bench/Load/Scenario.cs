namespace Notify.Bench.Load;

/// <summary>What one benchmark run does. The named scenarios are in <see cref="Scenarios"/>; options override them.</summary>
internal sealed record Scenario
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>SSE subscribers (streams); which topics each follows is <see cref="TopicsOf"/>.</summary>
    public int Subscribers { get; init; } = 1_000;

    public int Topics { get; init; } = 1;

    /// <summary>
    /// Topics each subscriber's one stream follows: 1 is a stream of its own per topic; more use the hub's stream of
    /// several topics (Notify's <c>GET /topics?topic=…</c>, at most 32 by default; nchan's multiplexed channels).
    /// </summary>
    public int TopicsPerStream { get; init; } = 1;

    /// <summary>Events per second over all topics; null publishes as fast as the hub answers.</summary>
    public double? Rate { get; init; }

    /// <summary>Publish requests in flight at most, spread over the topics.</summary>
    public int InFlight { get; init; } = 16;

    /// <summary>When publishing as fast as possible: deliveries allowed outstanding, per subscriber.</summary>
    public int WindowPerSubscriber { get; init; } = 64;

    /// <summary>How long events are published (or, for an idle run, how long connections are held).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Event body size in bytes.</summary>
    public int EventSize { get; init; } = 128;

    /// <summary>Share of subscribers cut mid-run and resumed with <c>Last-Event-ID</c>; 0 for none.</summary>
    public double DropFraction { get; init; }

    /// <summary>How long dropped subscribers stay away.</summary>
    public TimeSpan DropFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No publishing while connections are held: measures memory per idle connection.</summary>
    public bool Idle { get; init; }

    /// <summary>
    /// For an idle run: how long after every subscriber connected its measured window (the server's CPU) starts, so
    /// it sees the hub's steady state rather than what follows the connecting; null starts it once memory has settled.
    /// </summary>
    public TimeSpan? MeasureAfterConnected { get; init; }

    /// <summary>Connections being opened at once.</summary>
    public int ConnectParallelism { get; init; } = 64;

    /// <summary>
    /// A smaller run first, not measured: the hub's code is compiled and its caches filled before the
    /// figures (and the memory baseline) are taken, as they would be in a server that has been up a while.
    /// 30 s, because a 3 s warm-up left the cluster's silos spending 40 % of their CPU in the JIT in the first
    /// seconds measured (perf), and its resume p50 at 22–39 ms instead of 5 ms.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many runs the warm-up is split into, each connecting its subscribers afresh. The runtime compiles a method's
    /// optimized code only after it has counted calls to it, and it starts counting some time after a burst of new
    /// code: a path run once, in one burst (connecting), stayed unoptimized, and the measured run's own connecting paid
    /// for compiling it (`perf` during `connect`: 14 % of the silo's samples in the JIT after a one-run warm-up).
    /// </summary>
    public int WarmupWaves { get; init; } = 5;

    /// <summary>How long to wait, after publishing stops, for every acknowledged event to arrive.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The topics subscriber <paramref name="subscriber"/> follows: the <see cref="TopicsPerStream"/> topics after the
    /// previous subscriber's, round the topics (with one topic per stream, subscriber i follows topic i mod <see cref="Topics"/>).
    /// </summary>
    public int[] TopicsOf(int subscriber)
    {
        var count = Math.Min(TopicsPerStream, Topics);
        return [.. Enumerable.Range(0, count).Select(j => (int)(((long)subscriber * TopicsPerStream + j) % Topics))];
    }
}

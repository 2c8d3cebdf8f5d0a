namespace Notify.Bench.Load;

/// <summary>What one benchmark run does. The named scenarios are in <see cref="Scenarios"/>; options override them.</summary>
internal sealed record Scenario
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>SSE subscribers; subscriber i follows topic i mod <see cref="Topics"/>.</summary>
    public int Subscribers { get; init; } = 1_000;

    public int Topics { get; init; } = 1;

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

    /// <summary>Connections being opened at once.</summary>
    public int ConnectParallelism { get; init; } = 64;

    /// <summary>
    /// A smaller run first, not measured: the hub's code is compiled and its caches filled before the
    /// figures (and the memory baseline) are taken, as they would be in a server that has been up a while.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to wait, after publishing stops, for every acknowledged event to arrive.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>The scenarios named in the documentation and the suite.</summary>
internal static class Scenarios
{
    public static readonly Scenario Fanout = new()
    {
        Name = "fanout",
        Description = "1 topic × 1,000 subscribers, as fast as possible",
        Subscribers = 1_000,
        Topics = 1,
        Duration = TimeSpan.FromSeconds(20),
    };

    public static readonly Scenario BigFanout = new()
    {
        Name = "bigfanout",
        Description = "1 topic × 10,000 subscribers, 100 events/s offered",
        Subscribers = 10_000,
        Topics = 1,
        Rate = 100,
        Duration = TimeSpan.FromSeconds(20),
    };

    public static readonly Scenario ManyTopics = new()
    {
        Name = "manytopics",
        Description = "1,000 topics × 10 subscribers, 2,000 events/s in total",
        Subscribers = 10_000,
        Topics = 1_000,
        Rate = 2_000,
        InFlight = 64,
        Duration = TimeSpan.FromSeconds(30),
    };

    public static readonly Scenario HotPublish = new()
    {
        Name = "hotpublish",
        Description = "1 topic × 10 subscribers, 16 publishes in flight, as fast as possible (publishes/s on one topic)",
        Subscribers = 10,
        Topics = 1,
        InFlight = 16,
        Duration = TimeSpan.FromSeconds(20),
    };

    public static readonly Scenario Resume = new()
    {
        Name = "resume",
        Description = "1,000 subscribers on 10 topics at 200 events/s; half dropped for 1 s and resumed",
        Subscribers = 1_000,
        Topics = 10,
        Rate = 200,
        DropFraction = 0.5,
        DropFor = TimeSpan.FromSeconds(1),
        Duration = TimeSpan.FromSeconds(20),
    };

    public static readonly Scenario IdleConnections = new()
    {
        Name = "idle",
        Description = "10,000 idle connections: memory per connection",
        Subscribers = 10_000,
        Topics = 100,
        Idle = true,
        Duration = TimeSpan.FromSeconds(10),
    };

    public static IReadOnlyList<Scenario> All { get; } = [Fanout, BigFanout, ManyTopics, HotPublish, Resume, IdleConnections];

    /// <summary>The warm-up run that precedes <paramref name="scenario"/>: the same traffic on fewer connections.</summary>
    public static Scenario WarmupFor(Scenario scenario) => scenario with
    {
        Name = scenario.Name + "-warmup",
        Subscribers = Math.Min(scenario.Subscribers, 500),
        Topics = Math.Min(scenario.Topics, 50),
        Rate = scenario.Idle ? 100 : scenario.Rate,
        Duration = scenario.Warmup,
        Warmup = TimeSpan.Zero,
        DropFraction = 0,
        Idle = false,
    };

    public static Scenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}

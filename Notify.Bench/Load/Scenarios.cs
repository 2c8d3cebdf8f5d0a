namespace Notify.Bench.Load;

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

    /// <summary>As <see cref="Fanout"/> with one publish in flight, as a typical application publishes.</summary>
    public static readonly Scenario Fanout1 = Fanout with
    {
        Name = "fanout1",
        Description = "1 topic × 1,000 subscribers, as fast as possible with 1 publish in flight",
        InFlight = 1,
    };

    /// <summary>As <see cref="BigFanout"/> with one publish in flight, as a typical application publishes.</summary>
    public static readonly Scenario BigFanout1 = BigFanout with
    {
        Name = "bigfanout1",
        Description = "1 topic × 10,000 subscribers, 100 events/s offered with 1 publish in flight",
        InFlight = 1,
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

    // manytopics at other offered rates: with manytopics, the points of the latency-at-load curve.
    public static readonly Scenario ManyTopics500 = ManyTopics with
    {
        Name = "manytopics500",
        Description = "1,000 topics × 10 subscribers, 500 events/s in total",
        Rate = 500,
    };

    public static readonly Scenario ManyTopics1000 = ManyTopics with
    {
        Name = "manytopics1000",
        Description = "1,000 topics × 10 subscribers, 1,000 events/s in total",
        Rate = 1_000,
    };

    public static readonly Scenario ManyTopics4000 = ManyTopics with
    {
        Name = "manytopics4000",
        Description = "1,000 topics × 10 subscribers, 4,000 events/s in total",
        Rate = 4_000,
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

    /// <summary>Its headline is <see cref="Report.ScenarioResult.ConnectSeconds"/>: many subscribers arriving on one topic at once.</summary>
    public static readonly Scenario Connect = new()
    {
        Name = "connect",
        Description = "10,000 subscribers connecting to 1 topic: the time until all are connected",
        Subscribers = 10_000,
        Topics = 1,
        Idle = true,
        Duration = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// Many quiet topics, each watched: the server's idle CPU. Notify checks each watched topic's head on a timer that
    /// backs off on a quiet topic (5 s, doubling to 30 s: checks 5, 15, 35, 65 s after subscribing, then every 30 s), so
    /// the window starts 40 s after connecting and lasts 30 s, when every topic is checked once. Streams of 32 topics
    /// (Notify's default most per stream) keep the connections, and their heartbeats, few.
    /// </summary>
    public static readonly Scenario QuietTopics = new()
    {
        Name = "quiettopics",
        Description = "10,000 quiet topics, each watched (313 streams of 32 topics), no publishing: the server's idle CPU",
        Subscribers = 313,
        Topics = 10_000,
        TopicsPerStream = 32,
        Idle = true,
        MeasureAfterConnected = TimeSpan.FromSeconds(40),
        Duration = TimeSpan.FromSeconds(30),
    };

    /// <summary>As <see cref="QuietTopics"/> with a tenth of the topics: how idle CPU grows with the topics watched.</summary>
    public static readonly Scenario QuietTopics1k = QuietTopics with
    {
        Name = "quiettopics1k",
        Description = "1,000 quiet topics, each watched (32 streams of 32 topics), no publishing: the server's idle CPU",
        Subscribers = 32,
        Topics = 1_000,
    };

    public static IReadOnlyList<Scenario> All { get; } = [Fanout, Fanout1, BigFanout, BigFanout1, ManyTopics, ManyTopics500, ManyTopics1000, ManyTopics4000, HotPublish, Resume, IdleConnections, Connect, QuietTopics, QuietTopics1k];

    /// <summary>The same traffic at increasing offered rates, shown together as latency at load.</summary>
    public static IReadOnlyList<Scenario> LatencyAtLoad { get; } = [ManyTopics500, ManyTopics1000, ManyTopics, ManyTopics4000];

    /// <summary>
    /// One of the warm-up runs that precede <paramref name="scenario"/> (<see cref="Scenario.WarmupWaves"/> of them, sharing
    /// its <see cref="Scenario.Warmup"/>): the same traffic on fewer connections.
    /// </summary>
    public static Scenario WarmupFor(Scenario scenario) => scenario with
    {
        Name = scenario.Name + "-warmup",
        Subscribers = Math.Min(scenario.Subscribers, Math.Max(1, 500 / scenario.TopicsPerStream)), // about 500 subscriptions
        Topics = Math.Min(scenario.Topics, 50),
        Rate = scenario.Idle ? 100 : scenario.Rate,
        Duration = scenario.Warmup / Math.Max(1, scenario.WarmupWaves),
        Warmup = TimeSpan.Zero,
        DropFraction = 0,
        Idle = false,
        MeasureAfterConnected = null,
    };

    public static Scenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}

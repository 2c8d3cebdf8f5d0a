namespace Notify.Bench.Suite;

/// <summary>A target's verdict in the document: met, or missed with what the profiles showed and where performance.md explains it.</summary>
internal static class TargetVerdicts
{
    /// <summary>By the start of the target's text; the first that matches explains it.</summary>
    private static readonly (string Key, string Why, string Link)[] Explanations =
    [
        ("manytopics: p99",
            "the silo needs more CPU per event than nchan here (1.39× in the suite of 2026-12-03 08:25 UTC, 2.0× in that of 2026-12-02 14:58, 1.35× in that of 08:01; `manytopics: server CPU`), so with the generator on the same two cores events wait for a core, and each gen0 collection pauses the silo for 15–25 ms (a GC trace: the time grows with the subscriptions written to since the last collection, whose old objects hold the young frames and positions); the deliveries a pause holds back then drain slowly at 80–90 % of a core, so shorter pauses alone did not lower the p99; with 1,000 subscribers the same load gave p99 9 ms. Notify's p99 here was 25.8 ms in the suite of 2026-12-03 08:25 UTC (nchan 13.1), 44.5 and 48.4 ms in those of 2026-12-02",
            "performance.md#manytopics-tail-latency-target-p99--10-ms"),
        ("manytopics: p50",
            "on the line, moved by the host's speed: 1.50 ms in the suite of 2026-12-01 20:40 UTC, 2.01 ms in that of 2026-12-02 08:01, 2.81 ms in that of 14:58 (nchan 1.30, 1.54 and 1.37 ms), while the same build measured 1.90–1.94 ms in `tools/compare-builds.sh` an hour before that suite (the build before it 2.03–2.36 ms). A publish crosses more thread hops than nchan's (the request, the topic grain, the stream's queue grain and pulling agent, the fan-out, the connection's writer), each waiting for a core the generator also uses, and the silo needs more CPU per event than nchan here; at 500 and 1,000 events/s the median is 0.9 and 1.5 ms (latency-at-load table)",
            "performance.md#manytopics-tail-latency-target-p99--10-ms"),
        ("manytopics: server CPU",
            "1.39× in the suite of 2026-12-03 08:25 UTC (72 % against 52 %); 2.0× in that of 2026-12-02 14:58 and 1.84× in two rounds right after it (94 % against 51 %, the latter build also without the doorbell's per-wait cancellation source), 1.35× in the suite of 2026-12-02 08:01: nchan's own CPU for this load ranged 47–65 % across the day's runs and Notify's 84–106 %. Leaving Orleans' trace filters out when nothing traces cut the silo's CPU here by a tenth (88 against 98 % in the same hour; [allocations](performance.md#allocations-per-published-event)). `perf` by step: socket writes 32 % (the work nchan does too), the Orleans stream path (queue grain, doorbell, pulling agent, delivery to the silo's consumer, messaging) 30 %, the publish request 16 %; about 0.65 CPU-ms per event against nchan's 0.32, the difference being the per-publish machinery, which 10 subscribers per event do not spread",
            "performance.md#where-one-silos-cpu-goes-step-by-step"),
        ("idle: ≤ 12 KiB",
            "a heap dump holds about 12.8 KB of live objects per connection besides Kestrel's pooled blocks left free by the connect burst, most of it Kestrel's HTTP/1.1 connection and request state and the middleware's suspended state, which any ASP.NET Core SSE endpoint holds (Notify's own share is about 1.5 KB); resident memory adds the GC's headroom, which varies by about a kilobyte per connection from run to run (12.3 [11.9–13.5] KiB in four runs of one build; 11.8 and 12.2 KiB in the suites of 2026-12-02, 14.3 KiB in that of 2026-12-03 08:25 UTC, with nothing a connection holds changed in between)",
            "performance.md#memory-per-idle-connection-target--12-kib"),
        ("connect:",
            "on the line since the warm-up runs in waves (ratio per round 1.22–2.03 in two 3-round suites of 2026-12-02, medians 1.37 and 1.60; 1.68–2.42, median 1.86, before, when the connect path was still being compiled in the measured burst); the topic's grain is not what limits it (10,000 subscribers over 100 topics connect in the same time); in `perf` over the burst, Kestrel's request handling and the streams' first writes are half the silo's samples and the runtime's unresolved frames (the GC among them) 28 %: the per-connection cost of an ASP.NET Core request and its stream's start",
            "performance.md#connecting-10000-subscribers-to-one-topic"),
        ("bigfanout1: p99",
            "both hubs write as fast as they can here (one event to 10,000 connections takes Notify about 0.1 s), so an event's wait is the events accepted ahead of it; publishes are paced by the silo's fan-out once it is 100 ms late. One round does not rank these tails: 2.3× in the suite of 2026-12-03 08:25 UTC (262 against 114 ms); in two rounds of 2026-12-02 13:26 UTC the medians gave 1.39× (332 against 239 ms), one round 2.2× (310 against 139 ms); nchan's own p99 here was 139–339 ms across the day's runs, Notify's 243–358 ms. A prototype that answers a publish only once the silo has written its event gave p99 157 against 260 ms, with 86,000 against 150,000 deliveries/s (0.84× nchan's in the suite), so not kept (described with fanout1's profile). Since 2026-12-03 15:00 UTC (after that suite) a publish is answered once its silo has written the event to its subscribers: p99 172–180 against 231–239 ms for the build before, in A/B runs (2 each), with fewer deliveries (`bigfanout1: deliveries`)",
            "performance.md#answering-after-the-local-writes"),
        ("bigfanout: p99",
            "both hubs are past capacity (1,000,000 deliveries/s offered); Notify paces its publishers by its fan-out, so its slowest delivery of each second stays flat (about 1–2.5 s, with 16 publishes in flight) while nchan's grows through the run",
            "performance.md#saturation-what-a-publisher-and-a-subscriber-see"),
        ("hotpublish: cluster",
            "the cluster's five processes used 161 % of the two cores, 0.64 CPU-s per 1,000 publishes against 0.11 for one silo (suite of 2026-12-03 08:25 UTC; 0.76 against 0.15 in that of 2026-12-02 14:58, 0.88 against 0.14 in that of 08:01): each publish crosses the gateway and usually a second silo, each batch is a committed store script, and each event goes to three silos; fewer store writes per batch did not change the rate (A/B). On 2026-11-30 the same scenario took 3,370/s (0.42× one silo); that day's build, run alternately with the build of 2026-12-01 20:40 UTC right after its suite, took 1,700–1,900/s against 1,750/s for the build of 2026-12-01 13:19 UTC: the host's speed varies that much, the code did not get slower. A profile of every process puts a fifth to a quarter of each one's CPU in the hypervisor's thread wake-ups: the cost is the number of processes and thread hops a publish crosses. Topic owners (since the suite of 2026-12-01 20:40 UTC) send a topic's publishes to its grain's silo: the silos spend about 5 % less, the rate did not move beyond the spread",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
        ("resume: cluster",
            "the cluster's five processes fill the two cores here: in the suite of 2026-12-03 08:25 UTC they used 141 % for all 200 events/s (one silo: 46 %), median 14.9 ms; in that of 2026-12-02 14:58, 154 % (one silo: 51 %), median 19 ms; in that of 08:01, 173 % and only 101 of the 200 published (median 98 ms); in that of 2026-12-01 20:40, 158 %, median 28 ms; so events wait for a core behind the gateway's copying, the store's scripts and three silos' stream deliveries. The build before the writer slices, run alternately with this one right after, did no better (80 and 67 ms against 87 and 58): the host was slower that hour. On 2026-11-30 runs' medians were 4.2–5.5 ms",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
        ("quiettopics:",
            "it moves with the host: 3.9–5.4 % in the suites of 2026-12-01, 3.0 % in a 3-round suite of 2026-12-02 after the silo stopped walking every topic each second for its subscriber counts and its list of fan-outs. An idle silo's work per watched topic is its head check, a grain call at an interval that grows while the topic stays quiet (one clock drives them all); the first 10 s after connecting are higher because every new subscription checks sooner",
            "performance.md#where-one-silos-cpu-goes-step-by-step"),
        ("idle: cluster",
            "a heap dump holds the client's Kestrel HTTP/1.1 connection (about 6 KB), YARP's per-request state (about 3 KB) and the HTTP/2 stream to the silo (about 1 KB) per subscriber; the rest is mostly the HTTP/2 client's receive blocks from the connect burst, free in the shared array pool or dead but not yet collected, which a quiet process keeps; resident memory over the same subscribers moves by several KiB between runs",
            "performance.md#the-load-balancer"),
        ("fanout: cluster",
            "the gateway copies every delivery from its HTTP/2 stream to the subscriber's socket, using about as much CPU as the three silos together, on the same two cores. The ratio moves around the target with the host: 0.47× in the suite of 2026-12-03 08:25 UTC, 0.65× in that of 2026-12-02 14:58, 0.41× in that of 08:01",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
        ("fanout1: deliveries",
            "since 2026-12-03 15:00 UTC a publish is answered once its silo has written its event to its subscribers (`Notify:Publish:AnswerAfterLocalWrites`, the default), so each event is a send of its own to each subscriber, as nchan's are, and a send costs Notify more than nchan (10–12 against 9.2–9.4 CPU-s per 1,000,000 deliveries, with the generator on the same two cores); answered once stored, the silo delivered 133,000–141,000/s against 91,000–99,000/s with it (A/B, 2 runs each), each event later (p99 33–62 against 16 ms)",
            "performance.md#answering-after-the-local-writes"),
        ("bigfanout1: deliveries",
            "since 2026-12-03 15:00 UTC a publish is answered once its silo has written its event to its subscribers (`Notify:Publish:AnswerAfterLocalWrites`, the default), so each event is a send of its own to each of the 10,000, as nchan's are, and a send costs Notify more than nchan (about 12.4 against 9.2 CPU-s per 1,000,000 deliveries); answered once stored, the silo delivered 211,000–279,000/s against 87,000/s with it (A/B, 2 runs each), each event later (p99 231–239 against 172–180 ms)",
            "performance.md#answering-after-the-local-writes"),
        ("fanout1: p99",
            "Notify's p99 was 37–53 ms in every run of this scenario on 2026-12-02 and 44.9 ms in the suite of 2026-12-03 08:25 UTC, while nchan's ranged from 22 to 314 ms on 2026-12-02 and was 11.5 ms in that suite: one round does not rank nchan's tail. Notify's median event reaches its subscribers 11–15 ms after it is published, where nchan's median is 5.4 ms. The silo spends 0.3 ms on a publish and about 2.5 ms (median) from the grain to the connections' responses, but the publisher's round trip is 7–10 ms: the request, the answer and the event's way out overlap the sends of the event before, on two cores that the generator also fills (98 % busy). Per delivery the silo spends about what nchan does (10.9 against 9.4 CPU-s per 1,000,000 deliveries), two thirds of it in the socket send. Pacing from 1 or 10 ms, Kestrel's inline scheduling and one or eight socket I/O queues did not shorten it (A/B). A prototype that answers a publish only once the silo has written its event (as nchan's answer follows its fan-out) gave p99 14.3 against 38.7 ms, with 103,000 against 158,000 deliveries/s: on the line of the deliveries target, so not kept as it is. Since 2026-12-03 15:00 UTC (after that suite) a publish is answered once its silo has written the event to its subscribers: p99 15.5–16.0 against 32.6–62.1 ms for the build before, in A/B runs (2 each), with fewer deliveries (`fanout1: deliveries`)",
            "performance.md#answering-after-the-local-writes"),
        // With the colon: fanout1 and bigfanout1 (one publish in flight) are not explained by these.
        ("fanout:", "see how to read the comparison", "performance.md#reading-the-comparison-fairly"),
        ("bigfanout:", "see how to read the comparison", "performance.md#reading-the-comparison-fairly"),
    ];

    public static string Of(string target, bool met)
    {
        if (met)
        {
            return "met";
        }

        var explanation = Explanations.FirstOrDefault(e => target.StartsWith(e.Key, StringComparison.Ordinal));
        // A miss no profile has explained yet says so, rather than guessing at a cause.
        return explanation.Link is null ? "**missed**; profile pending" : $"**missed**: {explanation.Why} ([profile]({explanation.Link}))";
    }
}

namespace Notify.Bench.Suite;

/// <summary>A target's verdict in the document: met, or missed with what the profiles showed and where performance.md explains it.</summary>
internal static class TargetVerdicts
{
    /// <summary>By the start of the target's text; the first that matches explains it.</summary>
    private static readonly (string Key, string Why, string Link)[] Explanations =
    [
        ("manytopics: p99",
            "with 10,000 connections open the silo pauses 17–35 ms for a gen0 collection about once a second (`dotnet-counters`), delaying the deliveries in flight; with 1,000 subscribers the same load gives p99 9 ms",
            "performance.md#manytopics-tail-latency-target-p99--10-ms"),
        ("manytopics: p50", "see the tail-latency analysis", "performance.md#manytopics-tail-latency-target-p99--10-ms"),
        ("idle: ≤ 12 KiB",
            "the heap dump holds ~12.5 KB of live objects per connection, ~8 KB of them Kestrel's HTTP/1.1 connection and request state, and the rest of the figure is GC headroom",
            "performance.md#memory-per-idle-connection-target--10-kib"),
        ("hotpublish: cluster",
            "every publish crosses the gateway (about 2 ms per pass here) and usually a second silo, each batch costs a few committed store writes, and the five processes share the generator's two cores",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
        ("resume: cluster",
            "at this load the cluster's five processes use about 1.5 of the two cores the generator also needs (gateway 0.5, silos 0.6, store 0.2; one silo alone 0.4), so events wait for a core; each pass through the gateway also costs about 2 ms here",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
        ("idle: cluster",
            "a heap dump holds about 17.5 KB of live objects per subscriber: the client's Kestrel HTTP/1.1 connection (about 6 KB), YARP's per-request state (about 3 KB), the HTTP/2 stream to the silo (about 1 KB) and pooled 8 KB buffers",
            "performance.md#the-load-balancer"),
        ("fanout: cluster",
            "the gateway copies every delivery from its HTTP/2 stream to the subscriber's socket, using about as much CPU as the three silos together, on the same two cores",
            "performance.md#the-three-silo-cluster-behind-the-gateway"),
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

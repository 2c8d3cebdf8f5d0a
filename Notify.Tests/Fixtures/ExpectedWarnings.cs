namespace Notify.Tests.Fixtures;

/// <summary>The warnings and errors a fault a test causes on purpose makes the app log: what an operator would see.</summary>
public static class ExpectedWarnings
{
    /// <summary>
    /// The store is down: the Redis client, the subscriber-count reporter and refused publishes say so, and a topic grain
    /// that could not tell whether an append landed retries reading its log until the store is back.
    /// </summary>
    public static bool StoreOutage(CapturedLogs.Entry entry) =>
        entry.Category.StartsWith("StackExchange.Redis", StringComparison.Ordinal)
        || entry.Category == "Notify.Api.Presence.SubscriberCountReporter"
        || (entry.Category == "Notify.Api.Topics.TopicServices" && entry.Message.Contains(" failed: ", StringComparison.Ordinal))
        || (entry.Category == "Notify.Grains.Topics.TopicGrain" && entry.Message.Contains("could not read the log again", StringComparison.Ordinal));

    /// <summary>A silo's stream subscription was taken away: the fan-out finds its stream behind and subscribes again.</summary>
    public static bool StreamBroken(CapturedLogs.Entry entry) => entry.Category == "Notify.Api.Subscriptions.TopicFanout";

    /// <summary>
    /// Another silo left the cluster (a rolling restart): calls in flight to it or addressed to it fail (Orleans), stream
    /// queues it hosted fail a read or lose their unread messages, which the fan-out repairs from the grain.
    /// </summary>
    public static bool SiloLeft(CapturedLogs.Entry entry) =>
        (entry.Category == "Orleans.Runtime.CallbackData" && entry.Message.StartsWith("The target silo became unavailable", StringComparison.Ordinal))
        // Its end of a connection reset as it went, and a call to it whose token fired could not be cancelled there
        // (seen together once in a test run on two busy cores, 2026-12-03).
        || (entry.Category == "Orleans.Runtime.Messaging.Connection" && entry.Exception is Microsoft.AspNetCore.Connections.ConnectionResetException)
        || (entry.Category == "Orleans.Runtime.GrainCallCancellationManager" && entry.Exception is SiloUnavailableException)
        || (entry.Category == "Orleans.Messaging" && entry.Message.StartsWith("Failed to address message", StringComparison.Ordinal))
        || entry.Category.StartsWith("Orleans.Streams.", StringComparison.Ordinal)
        || entry.Category.StartsWith("Orleans.Providers.MemoryAdapterReceiver", StringComparison.Ordinal)
        || StreamBroken(entry);

    /// <summary>
    /// The machine did not run the silo for a while: Orleans' health monitor says its thread pool stalled, or its
    /// watchdog that the whole runtime did (a long collection of the test process's shared heap: seen once in CI,
    /// 2.4 s at 2.1 GB). Tests run several silos and their clients on two cores at once, so this describes the test
    /// machine; the AppHost test and the benchmarks are where a real stall would show.
    /// </summary>
    public static bool MachineBusy(CapturedLogs.Entry entry) =>
        entry.Category switch
        {
            // The complaint, and the degraded health it adds up to.
            "Orleans.Runtime.MembershipService.LocalSiloHealthMonitor" => StallComplaints.Any(complaint => entry.Message.Contains(complaint, StringComparison.Ordinal)),
            "Orleans.Runtime.Watchdog" => entry.Message.StartsWith(".NET Runtime Platform stalled for", StringComparison.Ordinal),
            _ => false,
        };

    /// <summary>What Orleans' health checks say when the process did not run: the thread pool, the runtime, a collection.</summary>
    private static readonly string[] StallComplaints =
        [".NET Thread Pool execution stalled for", ".NET Runtime Platform stalled for", "The .NET runtime paused for garbage collection for"];

    /// <summary>
    /// A fan-out's head check found the grain ahead of its stream, still so a second later, and read the rest from the
    /// grain. After a stall (<see cref="MachineBusy"/>) the check's timer can run before the stream's reader has caught
    /// up with what the stall held back, so this comes with a stall without anything being lost: excused only in an app
    /// whose silo also reported a stall. Seen once in CI, with a 2.4 s stall.
    /// </summary>
    public static bool StreamLateAfterAStall(CapturedLogs.Entry entry) =>
        entry.Category == "Notify.Api.Subscriptions.TopicFanout"
        && entry.Message.Contains(" but the grain is at ", StringComparison.Ordinal);

    /// <summary>
    /// The silo itself is stopping: a call from another silo (a stream reader's call to a queue's doorbell) arrived for a
    /// grain it had just deactivated, and Orleans' forwarding of it failed because this silo no longer sends (an Error). The caller
    /// gets <see cref="SiloUnavailableException"/> and the reader reads its queue all the same. Seen once in CI.
    /// </summary>
    public static bool ForwardRefusedWhileStopping(CapturedLogs.Entry entry) =>
        entry.Category == "Orleans.Messaging"
        && entry.Message.StartsWith("Failed to address message", StringComparison.Ordinal)
        && entry.Message.Contains("[ForwardCount=", StringComparison.Ordinal)
        && entry.Exception is SiloUnavailableException;

    /// <summary>
    /// The silo is stopping: a call from another silo (a stream reader's call to a doorbell, or its queue read) reached a grain
    /// that was deactivating, Orleans answered it with a rejection, and the answer could not be sent because the
    /// connection to the caller had already closed (a Warning). The caller's call fails as its target silo leaves, and
    /// the reader reads its queue all the same. Seen once in CI, four at once.
    /// </summary>
    public static bool RejectionDroppedWhileStopping(CapturedLogs.Entry entry) =>
        entry.Category == "Orleans.Messaging"
        && entry.Message.Contains(" is dropping message ", StringComparison.Ordinal)
        && entry.Message.Contains(" Rejection (info: ", StringComparison.Ordinal)
        && entry.Message.Contains(" Response [", StringComparison.Ordinal);

    /// <summary>
    /// The silo is stopping while one of its stream readers calls a queue's doorbell that is not active (readers waited
    /// on it then; now they tell it once per read wait that they listen): the doorbell's activation cannot register in
    /// the directory any more (a Warning) and the call's message cannot be forwarded (an Error with
    /// <see cref="SiloUnavailableException"/>). The reader stops with its silo; nothing is lost. Seen once in CI, a
    /// single silo stopped a moment after it started.
    /// </summary>
    public static bool DoorbellWaitAsSiloStops(CapturedLogs.Entry entry) =>
        entry.Message.Contains("queuedoorbell/", StringComparison.Ordinal)
        && ((entry.Category == "Orleans.Grain" && entry.Message.StartsWith("Failed to register grain", StringComparison.Ordinal))
            || ForwardRefusedWhileStopping(entry));

    /// <summary>
    /// The silo's grain deactivation on stop took over Orleans' 1 s warning threshold, but less than
    /// <paramref name="under"/>: two cores busy with the other tests' silos. A stop held by something (a stream reader's
    /// doorbell wait once held it for the wait's whole 2 s) still fails the test.
    /// </summary>
    public static bool SlowGrainDeactivation(CapturedLogs.Entry entry, TimeSpan under) =>
        IsSlowGrainDeactivation(entry)
        && entry.Message.LastIndexOf(" in '", StringComparison.Ordinal) is var at and >= 0
        && TimeSpan.TryParse(entry.Message.AsSpan()[(at + 5)..].TrimEnd(". '"), System.Globalization.CultureInfo.InvariantCulture, out var took)
        && took < under;

    /// <summary>
    /// A silo stopped right after its only peer left (a test cluster's teardown): besides what a departure shows, its
    /// grain deactivation can wait on directory entries the departed peer owned, and its cluster health monitor on its
    /// checks of the departed peer, which Orleans warns are slow stop stages (the latter seen once, 1.17 s).
    /// </summary>
    public static bool PeerJustLeft(CapturedLogs.Entry entry) =>
        SiloLeft(entry)
        || IsSlowGrainDeactivation(entry)
        || (IsSlowStopStage(entry) && entry.Message.StartsWith("'ClusterHealthMonitor' stopped in stage", StringComparison.Ordinal));

    /// <summary>Orleans' warning that a silo's grain deactivation took over a second as it stopped.</summary>
    private static bool IsSlowGrainDeactivation(CapturedLogs.Entry entry) =>
        IsSlowStopStage(entry) && entry.Message.Contains("stopped in stage 'GrainDeactivation", StringComparison.Ordinal);

    /// <summary>Orleans' warning that a part of a silo took over a second to stop.</summary>
    private static bool IsSlowStopStage(CapturedLogs.Entry entry) =>
        entry.Category == "Orleans.Runtime.SiloLifecycleSubject" && entry.Message.Contains(" stopped in stage '", StringComparison.Ordinal);
}

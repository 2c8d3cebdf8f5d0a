using System.Diagnostics.Metrics;
using Notify.Grains.Diagnostics;
using Notify.Grains.Reads;

namespace Notify.Api.Diagnostics;

/// <summary>Notify's own instruments (meter <c>Notify</c>), next to ASP.NET Core's and Orleans'.</summary>
public sealed class NotifyMetrics
{
    /// <summary>The meter's name (ServiceDefaults exports it).</summary>
    public const string MeterName = NotifyTelemetry.Name;

    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _watchedTopics;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _lagged;
    private readonly Counter<long> _repairs;
    private readonly Counter<long> _resumes;
    private readonly Histogram<double> _deliveryLag;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _pacing;

    public NotifyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("notify.events.published", "{event}", "Events accepted by this silo's publish endpoint.");
        _delivered = meter.CreateCounter<long>("notify.events.delivered", "{event}", "Live events handed to local SSE connections.");
        _connections = meter.CreateUpDownCounter<long>("notify.sse.connections", "{connection}", "Open SSE connections on this silo.");
        _watchedTopics = meter.CreateUpDownCounter<long>("notify.sse.topics", "{topic}", "Topics this silo holds a stream subscription for.");
        _resets = meter.CreateCounter<long>("notify.sse.resets", "{event}", "notify.reset events sent, by reason.");
        _lagged = meter.CreateCounter<long>("notify.sse.lagged", "{connection}", "Connections closed because their send queue was full.");
        _repairs = meter.CreateCounter<long>("notify.stream.repairs", "{repair}", "Times a silo read missing events from a topic grain instead of the stream.");
        _resumes = meter.CreateCounter<long>("notify.sse.resumes", "{connection}", "Subscriptions that asked to resume (Last-Event-ID): exact, or reset with a reason.");
        _deliveryLag = meter.CreateHistogram<double>(
            "notify.delivery.lag", "s", "From the topic grain accepting an event to a silo writing it to a connection (the oldest event of each write).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _rejected = meter.CreateCounter<long>("notify.requests.rejected", "{request}", "Requests answered with a problem (4xx or 5xx), by reason.");
        _pacing = meter.CreateHistogram<double>(
            "notify.publish.paced", "s", "How long the answer to a stored publish was held back because this silo's fan-out of its topic was behind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    public void Published(bool replayed) => _published.Add(1, new KeyValuePair<string, object?>("notify.publish.replayed", replayed));

    public void Delivered(int connections) => _delivered.Add(connections);

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void TopicWatched() => _watchedTopics.Add(1);

    public void TopicUnwatched() => _watchedTopics.Add(-1);

    public void Reset(ResetReason reason) => _resets.Add(1, new KeyValuePair<string, object?>(ResetReasonTag, reason.ToWireName()));

    /// <summary>A subscription asked to resume, and was served exactly (<paramref name="reset"/> null) or reset.</summary>
    public void Resumed(ResetReason? reset) => _resumes.Add(
        1,
        new KeyValuePair<string, object?>("notify.resume.result", reset is null ? "exact" : "reset"),
        new KeyValuePair<string, object?>(ResetReasonTag, reset?.ToWireName()));

    /// <summary>A connection was written events, the oldest of them accepted at <paramref name="publishedAt"/>.</summary>
    public void Written(DateTimeOffset publishedAt) =>
        _deliveryLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - publishedAt).TotalSeconds));

    /// <summary>A publish's answer was held back for <paramref name="delay"/> (<see cref="Topics.PublishPacing"/>).</summary>
    public void Paced(TimeSpan delay) => _pacing.Record(delay.TotalSeconds);

    /// <summary>Marks a <c>503</c> as a limit of this silo rather than an outage, for <see cref="Rejected"/>.</summary>
    public static void MarkLimited(HttpContext context) => context.Items[LimitedItem] = true;

    public void Rejected(HttpContext context, int status) => _rejected.Add(
        1,
        new KeyValuePair<string, object?>("notify.rejection.reason", context.Items.ContainsKey(LimitedItem) ? "limit" : RejectionReason(status)),
        new KeyValuePair<string, object?>("http.response.status_code", status));

    public void Lagged() => _lagged.Add(1);

    public void Repaired() => _repairs.Add(1);

    private const string ResetReasonTag = "notify.reset.reason";
    private static readonly object LimitedItem = new();

    private static string RejectionReason(int status) => status switch
    {
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => "auth",
        StatusCodes.Status429TooManyRequests => "limit",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "error",
        _ => "bad_input",
    };
}

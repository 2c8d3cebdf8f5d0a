using System.Diagnostics.Metrics;
using Notify.Grains.Reads;

namespace Notify.Api.Diagnostics;

/// <summary>Notify's own instruments (meter <c>Notify</c>), next to ASP.NET Core's and Orleans'.</summary>
public sealed class NotifyMetrics
{
    /// <summary>The meter's name (ServiceDefaults exports it).</summary>
    public const string MeterName = ServiceDefaultsExtensions.NotifyMeterName;

    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _watchedTopics;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _lagged;
    private readonly Counter<long> _repairs;

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
    }

    public void Published(bool replayed) => _published.Add(1, new KeyValuePair<string, object?>("replayed", replayed));

    public void Delivered(int connections) => _delivered.Add(connections);

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void TopicWatched() => _watchedTopics.Add(1);

    public void TopicUnwatched() => _watchedTopics.Add(-1);

    public void Reset(ResetReason reason) => _resets.Add(1, new KeyValuePair<string, object?>("reason", reason.ToWireName()));

    public void Lagged() => _lagged.Add(1);

    public void Repaired() => _repairs.Add(1);
}

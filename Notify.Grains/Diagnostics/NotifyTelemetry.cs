using System.Diagnostics;

namespace Notify.Grains.Diagnostics;

/// <summary>
/// The name of Notify's own meter and activity source, and the source itself: the spans that follow one event from
/// its publish through its store append to each silo's fan-out.
/// </summary>
public static class NotifyTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "Notify";

    /// <summary>Notify's spans; they cost nothing while no tracer listens.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The span attribute naming the topic.</summary>
    public const string TopicTag = "notify.topic";
}

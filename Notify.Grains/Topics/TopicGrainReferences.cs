namespace Notify.Grains.Topics;

/// <summary>
/// References to topic grains without Orleans resolving <see cref="ITopicGrain"/>'s grain type on every call:
/// <c>GetGrain&lt;ITopicGrain&gt;(topic)</c> formats and parses the interface's type name each time, which was 1.2 % of a
/// busy silo's CPU (docs/performance.md). The types are learned from the first reference and reused.
/// </summary>
public static class TopicGrainReferences
{
    private static TopicGrainTypes? s_types; // the same for every silo in the process: they come from the code

    /// <summary>The topic grain of <paramref name="topic"/>.</summary>
    public static ITopicGrain GetTopicGrain(this IGrainFactory grains, string topic)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (Volatile.Read(ref s_types) is { } types)
        {
            return (ITopicGrain)grains.GetGrain(GrainId.Create(types.Grain, topic), types.Interface);
        }

        var reference = grains.GetGrain<ITopicGrain>(topic);
        var known = (GrainReference)reference;
        Volatile.Write(ref s_types, new TopicGrainTypes(known.GrainId.Type, known.InterfaceType));
        return reference;
    }

    private sealed record TopicGrainTypes(GrainType Grain, GrainInterfaceType Interface);
}

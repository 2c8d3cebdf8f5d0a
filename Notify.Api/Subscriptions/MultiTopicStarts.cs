using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Subscriptions;

/// <summary>Where each topic of a stream of several starts, from what the client asked for the whole stream.</summary>
internal static class MultiTopicStarts
{
    /// <summary>An epoch no topic ever has: a topic whose epoch changed since the id was written is reset (<c>epoch</c>).</summary>
    private const string OtherEpoch = "~";

    /// <summary>
    /// Per topic, in order: live, <c>earliest</c>, <c>latest</c> and <c>since</c> as asked; after its position when the
    /// client sent an id of this stream (each topic's epoch checked against the hash in the id); otherwise a reset
    /// (<c>malformed</c>) in every topic, then its whole buffer, as for a single topic.
    /// </summary>
    public static async Task<StreamStart[]> ResolveAsync(StreamStart asked, MultiTopicPositions ids, IClusterClient client, CancellationToken cancellationToken)
    {
        var count = ids.Topics.Count;
        if (asked.Asked is null || asked.From.Kind is ResumeKind.Earliest or ResumeKind.Latest or ResumeKind.Since)
        {
            return [.. Enumerable.Repeat(asked, count)];
        }

        if (!ids.TryDecode(asked.Asked, out var positions))
        {
            return [.. Enumerable.Repeat(new StreamStart(ResumeFrom.Malformed, asked.Asked), count)];
        }

        var heads = await Task.WhenAll(ids.Topics.Select(topic => client.GetTopicGrain(topic).GetHeadAsync(cancellationToken)));
        return [.. positions.Select((position, i) =>
        {
            var epoch = MultiTopicPositions.Fnv1a(heads[i].Epoch) == position.EpochHash ? heads[i].Epoch : OtherEpoch;
            return new StreamStart(ResumeFrom.Position(new EventPosition(epoch, position.Sequence)), asked.Asked);
        })];
    }
}

using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>The events one producer sent in one call, as they travel through a long-poll queue.</summary>
[GenerateSerializer, Immutable]
public sealed class LongPollBatch : IBatchContainer
{
    public LongPollBatch(StreamId streamId, object[] events, Dictionary<string, object>? requestContext)
        : this(streamId, events, requestContext, null)
    {
    }

    private LongPollBatch(StreamId streamId, object[] events, Dictionary<string, object>? requestContext, EventSequenceTokenV2? token)
    {
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
        Token = token;
    }

    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    public object[] Events { get; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; }

    /// <summary>Set by the queue when the batch is enqueued.</summary>
    [Id(3)]
    public EventSequenceTokenV2? Token { get; }

    public StreamSequenceToken SequenceToken => Token ?? throw new InvalidOperationException("The batch has not been enqueued yet.");

    internal LongPollBatch WithSequence(EventSequenceTokenV2 token) => new(StreamId, Events, RequestContext, token);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = (EventSequenceTokenV2)SequenceToken;
        for (var i = 0; i < Events.Length; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}

using System.Diagnostics;
using Notify.Grains.Diagnostics;
using Notify.Grains.Storage;

namespace Notify.Grains.Topics;

/// <summary>A publish waiting for its batch to be stored; its caller awaits <see cref="Task"/>.</summary>
internal sealed class PendingPublish
{
    private readonly TaskCompletionSource<PublishResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _cancellationToken;
    private readonly Activity? _span; // notify.publish, while its request is traced

    public PendingPublish(string topic, PublishRequest request, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _span = PublishTracing.StartPublish(topic, request);
        Trace = PublishTracing.TraceOf(_span, request);
        Entry = new TopicLogEntry(request.Type, request.Data, request.IdempotencyKey);
        Size = request.Data.Length + (request.Type?.Length ?? 0) + (request.IdempotencyKey?.Length ?? 0);
    }

    /// <summary>What the log stores for it.</summary>
    public TopicLogEntry Entry { get; }

    /// <summary>Its trace, if its request was traced: its store append and its deliveries join it.</summary>
    public ActivityContext Trace { get; }

    /// <summary>Bytes it adds to a batch.</summary>
    public long Size { get; }

    /// <summary>True when its caller has given up: it is dropped before it is stored.</summary>
    public bool IsAbandoned => _cancellationToken.IsCancellationRequested;

    public Task<PublishResult> Task => _answer.Task;

    public void Complete(PublishResult result)
    {
        PublishTracing.Answered(_span, result);
        _answer.TrySetResult(result);
    }

    public void Fail(Exception exception)
    {
        PublishTracing.NotAnswered(_span, exception.GetType().Name);
        _answer.TrySetException(exception);
    }

    public void Abandon()
    {
        PublishTracing.NotAnswered(_span, "abandoned");
        _answer.TrySetCanceled(_cancellationToken);
    }
}

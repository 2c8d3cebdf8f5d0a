using System.Diagnostics;
using Notify.Grains.Storage;

namespace Notify.Grains.Topics;

/// <summary>A publish waiting for its batch to be stored; its caller awaits <see cref="Task"/>.</summary>
internal sealed class PendingPublish(PublishRequest request, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<PublishResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the log stores for it.</summary>
    public TopicLogEntry Entry { get; } = new(request.Type, request.Data, request.IdempotencyKey);

    /// <summary>The trace of the grain call that brought it, if traced: its store append and its deliveries join it.</summary>
    public ActivityContext Trace { get; } = Activity.Current?.Context ?? default;

    /// <summary>Bytes it adds to a batch.</summary>
    public long Size => request.Data.Length + (request.Type?.Length ?? 0) + (request.IdempotencyKey?.Length ?? 0);

    /// <summary>True when its caller has given up: it is dropped before it is stored.</summary>
    public bool IsAbandoned => cancellationToken.IsCancellationRequested;

    public Task<PublishResult> Task => _answer.Task;

    public void Complete(PublishResult result) => _answer.TrySetResult(result);

    public void Fail(Exception exception) => _answer.TrySetException(exception);

    public void Abandon() => _answer.TrySetCanceled(cancellationToken);
}

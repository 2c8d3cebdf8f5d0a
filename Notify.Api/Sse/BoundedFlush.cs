using System.IO.Pipelines;

namespace Notify.Api.Sse;

/// <summary>A flush that gives up after a timeout: a client that stops reading must not hold a connection for ever.</summary>
internal static class BoundedFlush
{
    /// <summary>
    /// Flushes <paramref name="body"/>: <see cref="FlushOutcome.Stuck"/> when it could not complete within
    /// <paramref name="timeout"/> (the socket and the server's buffer stayed full). The caller then drops the connection,
    /// which ends the pending flush too.
    /// </summary>
    public static async ValueTask<FlushOutcome> FlushAsync(PipeWriter body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var flush = body.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            return OutcomeOf(flush.Result); // the common case: no allocation, no timer
        }

        var pending = flush.AsTask();
        try
        {
            return OutcomeOf(await pending.WaitAsync(timeout, CancellationToken.None));
        }
        catch (TimeoutException)
        {
            _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return FlushOutcome.Stuck;
        }
    }

    private static FlushOutcome OutcomeOf(FlushResult result) =>
        result.IsCompleted || result.IsCanceled ? FlushOutcome.Gone : FlushOutcome.Sent;
}

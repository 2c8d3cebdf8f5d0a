using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>How a subscription's stream ends when the client cannot, or may no longer, be served.</summary>
public sealed partial class TopicSubscription
{
    /// <summary>The send queue overflowed: <c>notify.lagged</c>, then the end of the stream; the client resumes from its last id.</summary>
    private async Task EndLaggedAsync(CancellationToken cancellationToken)
    {
        _services.Metrics.Lagged();
        LogLagged(Topic, _cursor.Position, _services.Options.SendQueueLimit);
        _writer.Lagged(_cursor.Position, _services.Options.SendQueueLimit);
        await FlushAsync(cancellationToken);
    }

    /// <summary>The token expired: said in-band, so the page renews it and resumes rather than silently going without.</summary>
    private async Task EndExpiredAsync()
    {
        _writer.Expired(_cursor.Position);
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Sends what was written; true when the client has gone, or was dropped for not reading.</summary>
    private async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var flush = _writer.FlushAsync(cancellationToken);
        FlushOutcome outcome;
        if (flush.IsCompleted)
        {
            outcome = flush.Result;
        }
        else
        {
            _sending = true;
            try
            {
                outcome = await flush;
            }
            finally
            {
                _sending = false;
            }
        }

        if (outcome == FlushOutcome.Stuck)
        {
            DropStuckConnection();
            return true;
        }

        Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
        return outcome == FlushOutcome.Gone;
    }

    /// <summary>
    /// The client stopped reading: nothing written for <see cref="SseOptions.WriteTimeout"/> could be sent. Waiting
    /// longer would hold the connection and its buffers for as long as the client likes, so it is dropped now.
    /// </summary>
    private void DropStuckConnection()
    {
        if (!_lagged)
        {
            _lagged = true;
            _services.Metrics.Lagged();
        }

        LogDropped(Topic, _cursor.Position, _services.Options.WriteTimeout);
        _queue.Complete();
        _writer.Abort();
    }
}

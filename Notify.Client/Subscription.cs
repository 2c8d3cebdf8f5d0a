using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Notify.Client;

/// <summary>
/// The streams of a subscription's topics merged into one sequence: each topic's items in their order, the topics'
/// interleaved as they arrive. The first stream refused for good ends the subscription with its error.
/// </summary>
internal static class Subscription
{
    /// <summary>Items read ahead of the consumer; past it the streams stop reading (and a slow consumer lags on the server).</summary>
    private const int ReadAhead = 128;

    public static async IAsyncEnumerable<NotifyItem> ReadAsync(
        IReadOnlyList<string> topics, Func<string, TopicStream> open, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<NotifyItem>(new BoundedChannelOptions(ReadAhead)
        {
            SingleReader = true,
            SingleWriter = topics.Count == 1,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = RunAsync([.. topics.Select(open)], channel.Writer, stop);
        try
        {
            // No token on the wait: a cancellable wait allocates each time. Cancelling stops the streams, and the
            // channel completes once they have stopped.
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return item;
                }
            }
        }
        finally
        {
            // Completing the channel releases a stream waiting for room (its wait has no token either).
            await stop.CancelAsync().ConfigureAwait(false);
            channel.Writer.TryComplete();
            await running.ConfigureAwait(false);
        }

        if (await running.ConfigureAwait(false) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs every stream until all have stopped; returns the error that stopped them, if one did.</summary>
    private static async Task<Exception?> RunAsync(TopicStream[] streams, ChannelWriter<NotifyItem> output, CancellationTokenSource stop)
    {
        Exception? failure = null;
        await Task.WhenAll(streams.Select(RunOneAsync)).ConfigureAwait(false);
        output.TryComplete();
        return failure;

        async Task RunOneAsync(TopicStream stream)
        {
            try
            {
                await stream.RunAsync(output, stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopped (cancelled, or its channel closed): the consumer left, or another stream failed.
            }
            catch (Exception exception)
            {
                // The consumer gets what was read before the failure, then the failure.
                Interlocked.CompareExchange(ref failure, exception, null);
                await stop.CancelAsync().ConfigureAwait(false);
                output.TryComplete();
            }
        }
    }
}

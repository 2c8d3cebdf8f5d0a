using System.Threading.Channels;
using Notify.Grains.Events;
using Orleans.Streams;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Keeps one <see cref="TopicFanout"/> subscribed to its topic's Orleans stream, off the fan-out's path when that is
/// slow: subscribing is a call to the stream's pub-sub grain, which in turn calls the stream's producers, and through a silo failure that call
/// can wait for Orleans' 30 s response timeout. The fan-out serves subscribers meanwhile by reading from the grain
/// (<see cref="IsAttached"/> tells it when it must). <paramref name="attached"/> is called after each subscription: the
/// events published while it was made came before it, and only the grain has them.
/// </summary>
internal sealed partial class TopicStreamAttachment(IAsyncStream<TopicEvent> stream, IAsyncObserver<TopicEvent> observer, Action attached, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DetachTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _verifyRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task<StreamSubscriptionHandle<TopicEvent>>? _subscribing; // a first attempt still under way
    private StreamSubscriptionHandle<TopicEvent>? _handle;
    private volatile bool _attached;

    /// <summary>Whether the stream's pub-sub has this silo's subscription (as of the last attempt or check).</summary>
    public bool IsAttached => _attached;

    /// <summary>Asks for a check that the pub-sub still has the subscription (a silent stream may have lost it with its pub-sub state).</summary>
    public void Verify() => _verifyRequests.Writer.TryWrite(true);

    /// <summary>
    /// Subscribes, waiting at most <paramref name="wait"/>: the usual case, in which the fan-out then reads the topic's head
    /// and nothing can fall between the two. A subscription that takes longer is left to <see cref="RunAsync"/>.
    /// </summary>
    public async Task AttachAsync(TimeSpan wait, CancellationToken stopping)
    {
        var subscribing = stream.SubscribeAsync(observer);
        _subscribing = subscribing;
        try
        {
            await subscribing.WaitAsync(wait, stopping);
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            return; // RunAsync waits on, and retries if it fails
        }

        _subscribing = null;
        _handle = await subscribing;
        _attached = true;
    }

    /// <summary>Subscribes, retrying until it succeeds, then checks the subscription whenever asked, until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(string topic, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_handle is null && !await TrySubscribeAsync(topic, stopping))
                {
                    await Task.Delay(RetryDelay, stopping);
                    continue;
                }

                await _verifyRequests.Reader.ReadAsync(stopping);
                await VerifyAsync(topic, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Drops the subscription, giving up after a few seconds (the pub-sub may be waiting on a dead silo).</summary>
    public async Task DetachAsync(string topic)
    {
        _attached = false;
        if (Interlocked.Exchange(ref _subscribing, null) is { } subscribing)
        {
            UnsubscribeWhenMade(subscribing);
        }

        if (Interlocked.Exchange(ref _handle, null) is { } handle)
        {
            try
            {
                await handle.UnsubscribeAsync().WaitAsync(DetachTimeout);
            }
            catch (Exception exception)
            {
                LogDetachFailed(exception, topic);
            }
        }
    }

    private async Task<bool> TrySubscribeAsync(string topic, CancellationToken stopping)
    {
        var subscribing = Interlocked.Exchange(ref _subscribing, null) ?? stream.SubscribeAsync(observer);
        try
        {
            _handle = await subscribing.WaitAsync(stopping);
            _attached = true;
            attached();
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            UnsubscribeWhenMade(subscribing);
            throw;
        }
        catch (Exception exception)
        {
            LogSubscribeFailed(exception, topic);
            return false;
        }
    }

    /// <summary>The fan-out stopped first: should the call still succeed, its subscription must not outlive the fan-out.</summary>
    private static void UnsubscribeWhenMade(Task<StreamSubscriptionHandle<TopicEvent>> subscribing) =>
        _ = subscribing.ContinueWith(static t => t.Result.UnsubscribeAsync(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private async Task VerifyAsync(string topic, CancellationToken stopping)
    {
        try
        {
            var handles = await stream.GetAllSubscriptionHandles().WaitAsync(stopping);
            if (_handle is { } current && !handles.Any(h => h.HandleId == current.HandleId))
            {
                LogResubscribing(topic);
                _attached = false;
                _handle = null;
            }
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            LogVerifyFailed(exception, topic);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not subscribe to the stream; reading from the grain meanwhile, subscribing again shortly")]
    private partial void LogSubscribeFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: this silo's stream subscription is gone; subscribing again")]
    private partial void LogResubscribing(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not check the stream subscription")]
    private partial void LogVerifyFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not drop the stream subscription")]
    private partial void LogDetachFailed(Exception exception, string topic);
}

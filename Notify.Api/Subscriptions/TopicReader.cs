using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Reads a topic grain: "the events after X" in bounded pages, and its head. The one way replays, repairs, head
/// checks and the JSON list read a topic; every call is bounded by <see cref="TopicReadOptions.Timeout"/>.
/// </summary>
public sealed class TopicReader(IOptions<TopicReadOptions> options)
{
    private readonly TopicReadOptions _options = options.Value;

    /// <summary>One page: the events after <paramref name="from"/>, at most <paramref name="maxEvents"/> (default: a full page).</summary>
    /// <exception cref="TimeoutException">The grain did not answer in time.</exception>
    public Task<TopicRead> ReadPageAsync(ITopicGrain grain, ResumeFrom from, CancellationToken cancellationToken, int? maxEvents = null)
    {
        var events = maxEvents ?? _options.PageEvents;
        return WithTimeoutAsync(token => grain.ReadAsync(from, events, _options.PageBytes, token), cancellationToken);
    }

    /// <summary>The position of the topic's newest event.</summary>
    /// <exception cref="TimeoutException">The grain did not answer in time.</exception>
    public Task<EventPosition> ReadHeadAsync(ITopicGrain grain, CancellationToken cancellationToken) =>
        WithTimeoutAsync(grain.GetHeadAsync, cancellationToken);

    /// <summary>Every buffered event after <paramref name="from"/>, a page at a time, up to the head as the last page saw it.</summary>
    public async IAsyncEnumerable<TopicRead> ReadAllAsync(
        ITopicGrain grain, ResumeFrom from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = await ReadPageAsync(grain, from, cancellationToken);
        await foreach (var page in ContinueAsync(grain, first, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary><paramref name="first"/>, then the pages that follow it while the grain had more.</summary>
    public async IAsyncEnumerable<TopicRead> ContinueAsync(
        ITopicGrain grain, TopicRead first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = first;
        yield return page;
        while (page.HasMore)
        {
            page = await ReadPageAsync(grain, ResumeFrom.Position(page.End), cancellationToken);
            yield return page;
        }
    }

    private async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await read(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller did not give up: the grain is too slow, which callers treat like any unavailable grain.
            throw new TimeoutException($"The topic grain did not answer within {_options.Timeout}.");
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Reads "the events after X" from a topic grain in bounded pages: the one way replays, repairs and the JSON
/// list read a topic.
/// </summary>
public sealed class TopicReader(IOptions<TopicReadOptions> options)
{
    private readonly TopicReadOptions _options = options.Value;

    /// <summary>One page: the events after <paramref name="from"/>, at most <paramref name="maxEvents"/> (default: a full page).</summary>
    public Task<TopicRead> ReadPageAsync(ITopicGrain grain, ResumeFrom from, CancellationToken cancellationToken, int? maxEvents = null) =>
        grain.ReadAsync(from, maxEvents ?? _options.PageEvents, _options.PageBytes, cancellationToken);

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
}

using System.Text;
using Notify.Grains.Events;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Storage;

/// <summary>
/// What every <see cref="ITopicLog"/> promises, run against each implementation (memory, and Redis on a real Garnet):
/// positions, batches, trimming, idempotency keys, leases.
/// </summary>
public abstract class TopicLogContract
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;

    protected static readonly TopicOptions Options = new()
    {
        BufferMaxEvents = 50,
        BufferMaxBytes = 10_000,
        BufferMaxAge = TimeSpan.FromMinutes(10),
        IdempotencyWindow = TimeSpan.FromMinutes(5),
    };

    protected abstract ITopicLog Log { get; }

    protected static TopicLogEntry Entry(string data, string? type = null, string? key = null) => new(type, Encoding.UTF8.GetBytes(data), key);

    protected async Task<TopicLogAppend> AppendAsync(TopicLease lease, TopicLogEntry entry, DateTimeOffset? at = null) =>
        (await Log.AppendAsync(lease, [entry], at ?? T0)).Single();

    protected async Task<(TopicLease Lease, List<EventPosition> Positions)> AppendManyAsync(string topic, int count, int size = 1)
    {
        var lease = (await Log.OpenAsync(topic, T0)).Lease;
        var positions = new List<EventPosition>();
        for (var i = 0; i < count; i++)
        {
            positions.Add((await AppendAsync(lease, Entry(new string('x', size)))).Position);
        }

        return (lease, positions);
    }

    [Fact]
    public async Task Open_OfANewTopic_StartsAnEpoch_AndKeepsIt()
    {
        var topic = Publisher.NewTopic("log");

        var first = await Log.OpenAsync(topic, T0);
        var again = await Log.OpenAsync(topic, T0);

        Assert.Equal(0, first.LastSequence);
        Assert.Empty(first.Events);
        Assert.Equal(first.Epoch, again.Epoch);
        Assert.True(EventPosition.TryParse($"{first.Epoch}:1", out _));
    }

    [Fact]
    public async Task Append_GivesContiguousPositions_AndOpenReturnsTheEventsAsStored()
    {
        var topic = Publisher.NewTopic("log");
        var opened = await Log.OpenAsync(topic, T0);

        var a = await AppendAsync(opened.Lease, Entry("first", type: "greeting"));
        var b = await AppendAsync(opened.Lease, Entry("sec\r\nond \u2713"), T0.AddSeconds(1));
        var state = await Log.OpenAsync(topic, T0.AddSeconds(2));

        Assert.Equal([new EventPosition(opened.Epoch, 1), new EventPosition(opened.Epoch, 2)], [a.Position, b.Position]);
        Assert.Equal(2, state.LastSequence);
        Assert.Equal([a.Position, b.Position], state.Events.Select(e => e.Position));
        Assert.Equal(["first", "sec\r\nond \u2713"], state.Events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(["greeting", null], state.Events.Select(e => e.Type));
        Assert.Equal(T0.ToUnixTimeMilliseconds(), state.Events[0].PublishedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Append_ABatch_StoresItsEntriesInOrder_WithContiguousPositions()
    {
        var topic = Publisher.NewTopic("log");
        var opened = await Log.OpenAsync(topic, T0);
        await AppendAsync(opened.Lease, Entry("before"));

        var answers = await Log.AppendAsync(opened.Lease, [Entry("a"), Entry("b", type: "t"), Entry("c")], T0);
        var state = await Log.OpenAsync(topic, T0);

        Assert.Equal([2L, 3, 4], answers.Select(a => a.Position.Sequence));
        Assert.All(answers, a => Assert.False(a.Replayed));
        Assert.Equal(["before", "a", "b", "c"], state.Events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal([null, null, "t", null], state.Events.Select(e => e.Type));
    }

    [Fact]
    public async Task Append_TrimsByCountAndBytes_KeepingTheNewest()
    {
        var byCount = Publisher.NewTopic("log");
        var (_, counted) = await AppendManyAsync(byCount, Options.BufferMaxEvents + 10);
        var bySize = Publisher.NewTopic("log");
        var (_, sized) = await AppendManyAsync(bySize, 5, size: 4_000);

        var countState = await Log.OpenAsync(byCount, T0);
        var sizeState = await Log.OpenAsync(bySize, T0);

        Assert.Equal(counted.Skip(10), countState.Events.Select(e => e.Position));
        Assert.Equal(counted[^1].Sequence, countState.LastSequence);
        Assert.Equal(sized.Skip(3), sizeState.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task Open_DropsEventsOlderThanTheMaxAge_ButKeepsThePosition()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;
        await AppendAsync(lease, Entry("old"));
        var recent = await AppendAsync(lease, Entry("recent"), T0.AddMinutes(8));

        var state = await Log.OpenAsync(topic, T0.AddMinutes(11));

        Assert.Equal([recent.Position], state.Events.Select(e => e.Position));
        Assert.Equal(2, state.LastSequence);
    }

    [Fact]
    public async Task Append_WithASeenIdempotencyKey_StoresNothing_AndAnswersTheFirstPosition()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;

        var first = await AppendAsync(lease, Entry("pay", key: "invoice-7"));
        var retry = await AppendAsync(lease, Entry("pay", key: "invoice-7"));
        var other = await AppendAsync(lease, Entry("pay", key: "invoice-8"));

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Position, retry.Position);
        Assert.Equal(first.Position.Next, other.Position);
        Assert.Equal(2, (await Log.OpenAsync(topic, T0)).Events.Count);
    }

    [Fact]
    public async Task Append_TheSameKeyTwiceInOneBatch_StoresItOnce()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;

        var answers = await Log.AppendAsync(lease, [Entry("pay", key: "k"), Entry("other"), Entry("pay", key: "k")], T0);

        Assert.Equal([(1L, false), (2L, false), (1L, true)], answers.Select(a => (a.Position.Sequence, a.Replayed)));
        Assert.Equal(["pay", "other"], (await Log.OpenAsync(topic, T0)).Events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }

    [Fact]
    public async Task IdempotencyKeys_AreForgottenAfterTheWindow()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;
        var first = await AppendAsync(lease, Entry("pay", key: "k"));

        var afterWindow = T0 + Options.IdempotencyWindow + TimeSpan.FromSeconds(1);
        var later = await AppendAsync(lease, Entry("pay", key: "k"), afterWindow);
        var retryOfLater = await AppendAsync(lease, Entry("pay", key: "k"), afterWindow);

        Assert.False(later.Replayed);
        Assert.Equal(first.Position.Next, later.Position);
        Assert.True(retryOfLater.Replayed); // the key now names the later publish
        Assert.Equal(later.Position, retryOfLater.Position);
    }

    [Fact]
    public async Task OpeningATopicAgain_FencesEarlierLeases_WhichStoreNothing()
    {
        var topic = Publisher.NewTopic("log");
        var stale = (await Log.OpenAsync(topic, T0)).Lease;
        await AppendAsync(stale, Entry("before"));

        var current = (await Log.OpenAsync(topic, T0)).Lease;
        await Assert.ThrowsAsync<TopicLogFencedException>(() => Log.AppendAsync(stale, [Entry("from the stale activation")], T0));
        await Assert.ThrowsAsync<TopicLogFencedException>(() => Log.OpenAsync(topic, T0, renew: stale));
        var next = await AppendAsync(current, Entry("after"));
        var renewed = await Log.OpenAsync(topic, T0, renew: current);

        Assert.Equal(2, next.Position.Sequence);
        Assert.Equal(["before", "after"], renewed.Events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(current, renewed.Lease);
    }

    [Fact]
    public async Task GetLast_AnswersTheNewestPosition_WithoutTakingTheLease()
    {
        var topic = Publisher.NewTopic("log");
        Assert.Null(await Log.GetLastAsync(topic));
        var (lease, positions) = await AppendManyAsync(topic, 3);

        var last = await Log.GetLastAsync(topic);
        var next = await AppendAsync(lease, Entry("still the holder"));

        Assert.Equal(positions[^1], last);
        Assert.Equal(positions[^1].Next, next.Position);
    }
}

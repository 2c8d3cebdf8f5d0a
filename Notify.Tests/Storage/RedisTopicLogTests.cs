using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Notify.Grains.Events;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using StackExchange.Redis;

namespace Notify.Tests.Storage;

/// <summary>The Redis topic log against a real Garnet server with its append-only file.</summary>
public sealed class RedisTopicLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;

    private readonly TopicOptions _options = new()
    {
        BufferMaxEvents = 50,
        BufferMaxBytes = 10_000,
        BufferMaxAge = TimeSpan.FromMinutes(10),
        IdempotencyWindow = TimeSpan.FromMinutes(5),
    };

    private GarnetServer _garnet = null!;
    private ConnectionMultiplexer _redis = null!;
    private RedisTopicLog _log = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetServer.StartNewAsync();
        _redis = await ConnectAsync(_garnet);
        _log = new RedisTopicLog(_redis, Options.Create(_options));
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(GarnetServer garnet) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { garnet.ConnectionString },
            AbortOnConnectFail = false,
            ConnectTimeout = 2_000,
            AsyncTimeout = 2_000,
        });

    private static TopicLogEntry Entry(string data, DateTimeOffset at, string? type = null, string? key = null) =>
        new(default, EventPosition.NewEpoch(), type, Encoding.UTF8.GetBytes(data), key, at);

    private async Task<List<EventPosition>> AppendManyAsync(string topic, int count, int size = 1)
    {
        var positions = new List<EventPosition>();
        for (var i = 0; i < count; i++)
        {
            positions.Add((await _log.AppendAsync(topic, Entry(new string('x', size), T0))).Position);
        }

        return positions;
    }

    [Fact]
    public async Task Load_OfANewTopic_StartsTheGivenEpoch_AndKeepsIt()
    {
        var topic = Publisher.NewTopic("log");

        var first = await _log.LoadAsync(topic, "epocha", T0);
        var again = await _log.LoadAsync(topic, "epochb", T0);

        Assert.Equal(("epocha", 0L), (first.Epoch, first.LastSequence));
        Assert.Empty(first.Events);
        Assert.Equal("epocha", again.Epoch);
    }

    [Fact]
    public async Task Append_GivesContiguousPositions_AndLoadReturnsTheEventsAsStored()
    {
        var topic = Publisher.NewTopic("log");
        var epoch = (await _log.LoadAsync(topic, "e1", T0)).Epoch;

        var a = await _log.AppendAsync(topic, Entry("first", T0, type: "greeting"));
        var b = await _log.AppendAsync(topic, Entry("sec\r\nond \u2713", T0.AddSeconds(1)));
        var state = await _log.LoadAsync(topic, "unused", T0.AddSeconds(2));

        Assert.Equal([new EventPosition(epoch, 1), new EventPosition(epoch, 2)], [a.Position, b.Position]);
        Assert.Equal(2, state.LastSequence);
        Assert.Equal([a.Position, b.Position], state.Events.Select(e => e.Position));
        Assert.Equal(["first", "sec\r\nond \u2713"], state.Events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(["greeting", null], state.Events.Select(e => e.Type));
        Assert.Equal(T0.ToUnixTimeMilliseconds(), state.Events[0].PublishedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Append_TrimsByCountAndBytes_KeepingTheNewest()
    {
        var byCount = Publisher.NewTopic("log");
        var counted = await AppendManyAsync(byCount, _options.BufferMaxEvents + 10);
        var bySize = Publisher.NewTopic("log");
        var sized = await AppendManyAsync(bySize, 5, size: 4_000);

        var countState = await _log.LoadAsync(byCount, "unused", T0);
        var sizeState = await _log.LoadAsync(bySize, "unused", T0);

        Assert.Equal(counted.Skip(10), countState.Events.Select(e => e.Position));
        Assert.Equal(counted[^1].Sequence, countState.LastSequence);
        Assert.Equal(sized.Skip(3), sizeState.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task Load_DropsEventsOlderThanTheMaxAge_ButKeepsThePosition()
    {
        var topic = Publisher.NewTopic("log");
        await _log.AppendAsync(topic, Entry("old", T0));
        var recent = await _log.AppendAsync(topic, Entry("recent", T0.AddMinutes(8)));

        var state = await _log.LoadAsync(topic, "unused", T0.AddMinutes(11));

        Assert.Equal([recent.Position], state.Events.Select(e => e.Position));
        Assert.Equal(2, state.LastSequence);
    }

    [Fact]
    public async Task Append_WithASeenIdempotencyKey_StoresNothing_AndAnswersTheFirstPosition()
    {
        var topic = Publisher.NewTopic("log");

        var first = await _log.AppendAsync(topic, Entry("pay", T0, key: "invoice-7"));
        var retry = await _log.AppendAsync(topic, Entry("pay", T0, key: "invoice-7"));
        var other = await _log.AppendAsync(topic, Entry("pay", T0, key: "invoice-8"));

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Position, retry.Position);
        Assert.Equal(first.Position.Next, other.Position);
        Assert.Equal(2, (await _log.LoadAsync(topic, "unused", T0)).Events.Count);
    }

    [Fact]
    public async Task AfterACrashThatKeptOnlyTheIdempotencyKey_TheRetryWritesTheEvent()
    {
        var topic = Publisher.NewTopic("log");
        var before = await _log.AppendAsync(topic, Entry("before", T0));

        // A crash persisted the script's first write only: the key names position 2, which was never written.
        await ReserveKeyAsync(topic, "k1", before.Position.Next);
        var retry = await _log.AppendAsync(topic, Entry("the event", T0, key: "k1"));
        var again = await _log.AppendAsync(topic, Entry("the event", T0, key: "k1"));

        Assert.False(retry.Replayed);
        Assert.Equal(before.Position.Next, retry.Position);
        Assert.True(again.Replayed);
        Assert.Equal(retry.Position, again.Position);
        Assert.Equal(["before", "the event"], (await _log.LoadAsync(topic, "unused", T0)).Events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }

    [Fact]
    public async Task AfterACrashThatKeptOnlyTheIdempotencyKey_AnotherPublishTakingThePosition_DoesNotAnswerTheRetry()
    {
        var topic = Publisher.NewTopic("log");
        var before = await _log.AppendAsync(topic, Entry("before", T0));
        await ReserveKeyAsync(topic, "k1", before.Position.Next);

        // Before the retry, another publish gets position 2.
        var other = await _log.AppendAsync(topic, Entry("someone else", T0, key: "k2"));
        var retry = await _log.AppendAsync(topic, Entry("the event", T0, key: "k1"));

        Assert.Equal(before.Position.Next, other.Position);
        Assert.False(retry.Replayed);
        Assert.Equal(other.Position.Next, retry.Position);
        Assert.Equal(["before", "someone else", "the event"], (await _log.LoadAsync(topic, "unused", T0)).Events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }

    [Fact]
    public async Task IdempotencyKeys_AreForgottenAfterTheWindow()
    {
        var topic = Publisher.NewTopic("log");
        var first = await _log.AppendAsync(topic, Entry("pay", T0, key: "k"));

        var later = await _log.AppendAsync(topic, Entry("pay", T0 + _options.IdempotencyWindow + TimeSpan.FromSeconds(1), key: "k"));

        Assert.False(later.Replayed);
        Assert.Equal(first.Position.Next, later.Position);
    }

    /// <summary>Writes what the append script writes first for a key: the key naming a position.</summary>
    private Task ReserveKeyAsync(string topic, string key, EventPosition position)
    {
        var expires = (T0 + _options.IdempotencyWindow).ToUnixTimeMilliseconds();
        var database = _redis.GetDatabase();
        return Task.WhenAll(
            database.HashSetAsync($"notify:{{{topic}}}:idempotency", key, $"{expires} {position}"),
            database.ListRightPushAsync($"notify:{{{topic}}}:idempotency-order", $"{expires} {key}"));
    }

    [Fact]
    public async Task AfterACrashThatKeptTheEventButNotTheCounter_PositionsContinueAfterTheEvent()
    {
        var topic = Publisher.NewTopic("log");
        var before = await _log.AppendAsync(topic, Entry("before", T0));

        // A crash persisted the event but not the advanced counter.
        await _redis.GetDatabase().ListRightPushAsync($"notify:{{{topic}}}:events", $"2 {T0.ToUnixTimeMilliseconds()} 0 0 orphan");
        var next = await _log.AppendAsync(topic, Entry("next", T0));
        var state = await _log.LoadAsync(topic, "unused", T0);

        Assert.Equal(new EventPosition(before.Position.Epoch, 3), next.Position);
        Assert.Equal(3, state.LastSequence);
        Assert.Equal([1L, 2, 3], state.Events.Select(e => e.Position.Sequence));
    }

    [Fact]
    public async Task AStoreRestart_KeepsEverythingAcknowledged()
    {
        var topic = Publisher.NewTopic("log");
        var positions = await AppendManyAsync(topic, 20);

        await _garnet.KillAsync();
        await _garnet.StartAsync();
        await using var reconnected = await ConnectAsync(_garnet);
        var state = await new RedisTopicLog(reconnected, Options.Create(_options)).LoadAsync(topic, "new-epoch", T0);

        Assert.Equal(positions, state.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task AnEmptiedStore_StartsANewEpoch()
    {
        var topic = Publisher.NewTopic("log");
        var old = (await _log.AppendAsync(topic, Entry("x", T0))).Position;

        await using var emptyStore = await GarnetServer.StartNewAsync();
        await using var redis = await ConnectAsync(emptyStore);
        var log = new RedisTopicLog(redis, Options.Create(_options));
        var appended = await log.AppendAsync(topic, new TopicLogEntry(old.Next, "freshepoch", null, "y"u8.ToArray(), null, T0));

        Assert.Equal(new EventPosition("freshepoch", 1), appended.Position);
    }

    [Fact]
    public async Task AnUnreachableStore_FailsTheAppendWithinSeconds()
    {
        var topic = Publisher.NewTopic("log");
        await _log.AppendAsync(topic, Entry("before", T0));

        await _garnet.KillAsync();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TopicLogUnavailableException>(() => _log.AppendAsync(topic, Entry("during", T0)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }
}

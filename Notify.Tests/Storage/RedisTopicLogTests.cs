using System.Diagnostics;
using System.Text;
using Notify.Grains.Events;
using Notify.Grains.Storage;
using Notify.Tests.Fixtures;
using StackExchange.Redis;
using static Microsoft.Extensions.Options.Options;

namespace Notify.Tests.Storage;

/// <summary>The Redis topic log against a real Garnet server with its append-only file: the contract, crashes, the store's own failures.</summary>
public sealed class RedisTopicLogTests : TopicLogContract, IAsyncLifetime
{
    private const int TrimmedHistory = 80; // over BufferMaxEvents

    private GarnetServer _garnet = null!;
    private ConnectionMultiplexer _redis = null!;
    private RedisTopicLog _log = null!;

    protected override ITopicLog Log => _log;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetServer.StartNewAsync();
        _redis = await ConnectAsync(_garnet);
        _log = new RedisTopicLog(_redis, Create(Options));
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
            // Not production's 2 s: on a CI machine running the whole suite, a healthy Garnet committing its append-only
            // file answered a first EVAL in 2.7 s. A store that is gone still fails well within the 10 s asserted below;
            // production's 2 s is the app's (DurabilityTests).
            AsyncTimeout = 5_000,
        });

    [Fact]
    public async Task AfterACrashThatKeptOnlyTheIdempotencyKey_TheRetryWritesTheEvent()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;
        var before = await AppendAsync(lease, Entry("before"));

        // A crash persisted the script's first write only: the key names position 2, which was never written.
        await ReserveKeyAsync(topic, "k1", before.Position.Next);
        var retry = await AppendAsync(lease, Entry("the event", key: "k1"));
        var again = await AppendAsync(lease, Entry("the event", key: "k1"));

        Assert.False(retry.Replayed);
        Assert.Equal(before.Position.Next, retry.Position);
        Assert.True(again.Replayed);
        Assert.Equal(retry.Position, again.Position);
        Assert.Equal(["before", "the event"], (await Log.OpenAsync(topic, T0)).Events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }

    [Fact]
    public async Task AfterACrashThatKeptOnlyTheIdempotencyKey_AnotherPublishTakingThePosition_DoesNotAnswerTheRetry()
    {
        var topic = Publisher.NewTopic("log");
        var lease = (await Log.OpenAsync(topic, T0)).Lease;
        var before = await AppendAsync(lease, Entry("before"));
        await ReserveKeyAsync(topic, "k1", before.Position.Next);

        // Before the retry, another publish gets position 2.
        var other = await AppendAsync(lease, Entry("someone else", key: "k2"));
        var retry = await AppendAsync(lease, Entry("the event", key: "k1"));

        Assert.Equal(before.Position.Next, other.Position);
        Assert.False(retry.Replayed);
        Assert.Equal(other.Position.Next, retry.Position);
        Assert.Equal(["before", "someone else", "the event"], (await Log.OpenAsync(topic, T0)).Events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }

    /// <summary>Writes what the append script writes first for a key: the key naming a position.</summary>
    private Task ReserveKeyAsync(string topic, string key, EventPosition position)
    {
        var expires = (T0 + Options.IdempotencyWindow).ToUnixTimeMilliseconds();
        var database = _redis.GetDatabase();
        return Task.WhenAll(
            database.HashSetAsync($"notify:{{{topic}}}:idempotency", key, $"{expires} {position}"),
            database.ListRightPushAsync($"notify:{{{topic}}}:idempotency-order", $"{expires} {key}"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(TrimmedHistory)] // the oldest events trimmed: the buffer no longer starts at 1
    public async Task AfterACrashThatKeptTheEventButNotTheCounter_PositionsContinueAfterTheEvent(int appended)
    {
        var topic = Publisher.NewTopic("log");
        var (lease, positions) = await AppendManyAsync(topic, appended);
        var orphan = positions[^1].Sequence + 1;

        // A crash persisted the event but not the advanced counter.
        await _redis.GetDatabase().ListRightPushAsync($"notify:{{{topic}}}:events", $"{orphan} {T0.ToUnixTimeMilliseconds()} 0 0 orphan");
        var next = await AppendAsync(lease, Entry("next"));
        var state = await Log.OpenAsync(topic, T0);

        Assert.Equal(new EventPosition(positions[0].Epoch, orphan + 1), next.Position);
        Assert.Equal(orphan + 1, state.LastSequence);
        Assert.Equal([orphan - 1, orphan, orphan + 1], state.Events.Select(e => e.Position.Sequence).TakeLast(3));
    }

    [Fact]
    public async Task AStoreRestart_KeepsEverythingAcknowledged_AndTheLease()
    {
        var topic = Publisher.NewTopic("log");
        var (lease, positions) = await AppendManyAsync(topic, 20);

        await _garnet.KillAsync();
        await _garnet.StartAsync();
        await using var reconnected = await ConnectAsync(_garnet);
        var log = new RedisTopicLog(reconnected, Create(Options));
        var state = await log.OpenAsync(topic, T0, renew: lease);

        Assert.Equal(positions, state.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task AnEmptiedStore_StartsANewEpoch()
    {
        var topic = Publisher.NewTopic("log");
        var (lease, old) = await AppendManyAsync(topic, 1);

        await using var emptyStore = await GarnetServer.StartNewAsync();
        await using var redis = await ConnectAsync(emptyStore);
        var appended = (await new RedisTopicLog(redis, Create(Options)).AppendAsync(lease, [Entry("y")], T0)).Single();

        Assert.NotEqual(old[0].Epoch, appended.Position.Epoch);
        Assert.Equal(1, appended.Position.Sequence);
    }

    [Fact]
    public async Task AnUnreachableStore_FailsTheAppendWithinSeconds()
    {
        var topic = Publisher.NewTopic("log");
        var (lease, _) = await AppendManyAsync(topic, 1);

        await _garnet.KillAsync();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TopicLogUnavailableException>(() => Log.AppendAsync(lease, [Entry("during")], T0));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }
}

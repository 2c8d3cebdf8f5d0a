using System.Globalization;
using StackExchange.Redis;

namespace Notify.Api.Presence;

/// <summary>
/// Counts in the store: one hash per topic (<c>notify:subscribers:{topic}</c>), a field per silo. A batch of changes is
/// one round trip. Each hash expires a day after its last change, so topics nobody watches leave nothing behind.
/// </summary>
public sealed class RedisSubscriberCountStore(IConnectionMultiplexer redis) : ISubscriberCountStore
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    public async Task WriteAsync(string silo, IReadOnlyList<KeyValuePair<string, int>> counts, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var writes = new List<Task>(counts.Count * 2);
        foreach (var (topic, count) in counts)
        {
            var key = Key(topic);
            writes.Add(count > 0
                ? batch.HashSetAsync(key, silo, count.ToString(CultureInfo.InvariantCulture))
                : batch.HashDeleteAsync(key, silo));
            writes.Add(batch.KeyExpireAsync(key, Retention));
        }

        batch.Execute();
        await Task.WhenAll(writes).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, int>> ReadAsync(string topic, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(topic)).WaitAsync(cancellationToken);
        var counts = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (int.TryParse(entry.Value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                counts[entry.Name.ToString()] = count;
            }
        }

        return counts;
    }

    public Task ForgetAsync(string topic, IReadOnlyList<string> silos, CancellationToken cancellationToken) =>
        redis.GetDatabase().HashDeleteAsync(Key(topic), [.. silos.Select(silo => (RedisValue)silo)]).WaitAsync(cancellationToken);

    private static RedisKey Key(string topic) => "notify:subscribers:" + topic;
}

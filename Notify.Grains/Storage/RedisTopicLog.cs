using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Notify.Grains.Events;
using Notify.Grains.Topics;
using StackExchange.Redis;

namespace Notify.Grains.Storage;

/// <summary>
/// A topic's history in Redis (or any server speaking its protocol with Lua scripting, such as Garnet).
/// </summary>
/// <remarks>
/// Per topic, all in one hash slot (<c>{topic}</c>): a hash <c>notify:{t}:meta</c> (epoch, last position,
/// bytes held, the lease of the activation that may append), a list <c>notify:{t}:events</c> (one entry per
/// buffered event, oldest first), and the idempotency keys (a hash, and a list of them in expiry order, bounded
/// by age and count). Appending a batch is one script: check the lease; per entry, remember the idempotency key,
/// push the event, advance the position; then trim from the front by count, bytes and age. Its cost does not
/// depend on how much the topic holds (each trimmed event is popped once). A script runs atomically on Redis; Garnet needs
/// <c>--lua-transaction-mode</c> to run it in isolation, and may persist only part of a script cut short
/// by a crash, so the writes are ordered to make any part a consistent state.
/// <para>
/// Entries are <c>{sequence} {published-at, unix ms} {key length} {type length} {key}{type}{data}</c>, binary-safe.
/// When the meta hash is missing (a new topic, an emptied store, or a topic idle past its retention), a new
/// epoch starts, so no old position is ever reused.
/// </para>
/// </remarks>
public sealed class RedisTopicLog(IConnectionMultiplexer redis, IOptions<TopicOptions> options) : ITopicLog
{
    private readonly TopicOptions _options = options.Value;

    public async Task<TopicHistory> OpenAsync(string topic, DateTimeOffset now, TopicLease? renew = null, CancellationToken cancellationToken = default)
    {
        var lease = renew ?? new TopicLease(topic, Guid.NewGuid().ToString("N"));
        var result = await EvaluateAsync(
            RedisTopicScripts.Open,
            [MetaKey(topic), EventsKey(topic)],
            [
                EventPosition.NewEpoch(), now.ToUnixTimeMilliseconds(), _options.BufferMaxEvents, Milliseconds(_options.BufferMaxAge),
                _options.BufferMaxBytes, Milliseconds(_options.HistoryRetention), lease.Token, renew is null ? "0" : "1",
            ],
            cancellationToken);
        if (result.Length == 1)
        {
            throw new TopicLogFencedException($"Topic {topic} was opened again since this lease was taken.");
        }

        var epoch = (string)result[0]!;
        var entries = (RedisResult[])result[2]!;
        var events = new List<TopicEvent>(entries.Length);
        foreach (var entry in entries)
        {
            events.Add(Decode(epoch, (byte[])entry!));
        }

        return new TopicHistory(lease, epoch, long.Parse((string)result[1]!, CultureInfo.InvariantCulture), events);
    }

    public async Task<IReadOnlyList<TopicLogAppend>> AppendAsync(
        TopicLease lease, IReadOnlyList<TopicLogEntry> entries, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var values = new RedisValue[9 + (3 * entries.Count)];
        values[0] = EventPosition.NewEpoch();
        values[1] = now.ToUnixTimeMilliseconds();
        values[2] = _options.BufferMaxEvents;
        values[3] = Milliseconds(_options.BufferMaxAge);
        values[4] = _options.BufferMaxBytes;
        values[5] = Milliseconds(_options.HistoryRetention);
        values[6] = Milliseconds(_options.IdempotencyWindow);
        values[7] = _options.IdempotencyMaxKeys;
        values[8] = lease.Token;
        for (var i = 0; i < entries.Count; i++)
        {
            values[9 + (3 * i)] = entries[i].IdempotencyKey ?? "";
            values[10 + (3 * i)] = entries[i].Type ?? "";
            values[11 + (3 * i)] = entries[i].Data;
        }

        var topic = lease.Topic;
        var result = await EvaluateAsync(
            RedisTopicScripts.Append, [MetaKey(topic), EventsKey(topic), IdempotencyKeysKey(topic), IdempotencyOrderKey(topic)], values, cancellationToken);
        if (result.Length == 1)
        {
            throw new TopicLogFencedException($"Topic {topic} was opened again since this lease was taken.");
        }

        var answers = new TopicLogAppend[entries.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var text = (string)result[1 + (2 * i)]!;
            var position = EventPosition.TryParse(text, out var parsed) ? parsed.Value : throw new InvalidDataException($"The store answered position '{text}'.");
            answers[i] = new TopicLogAppend(position, (int)result[2 + (2 * i)] == 1);
        }

        return answers;
    }

    public async Task<EventPosition?> GetLastAsync(string topic, CancellationToken cancellationToken = default)
    {
        var result = await EvaluateAsync(RedisTopicScripts.Last, [MetaKey(topic), EventsKey(topic)], [], cancellationToken, allowNull: true);
        return result.Length == 0 ? null : new EventPosition((string)result[0]!, long.Parse((string)result[1]!, CultureInfo.InvariantCulture));
    }

    private async Task<RedisResult[]> EvaluateAsync(
        string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken, bool allowNull = false)
    {
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(script, keys, values).WaitAsync(cancellationToken);
            return allowNull && result.IsNull ? [] : (RedisResult[])result!;
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
            || (exception is RedisServerException && IsTransient(exception.Message)))
        {
            // Not wrapped: the exception crosses silos, and Orleans cannot serialize StackExchange.Redis' exceptions.
            throw new TopicLogUnavailableException($"The topic store cannot be reached: {exception.Message}");
        }
    }

    /// <summary>
    /// Server errors that say "not now" (loading its data, a read-only replica after a failover, out of memory,
    /// a busy script, a cluster reconfiguring) rather than "this request is wrong".
    /// </summary>
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal) || message.StartsWith("OOM", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    /// <summary>Decodes <c>{sequence} {unix ms} {key length} {type length} {key}{type}{data}</c>.</summary>
    internal static TopicEvent Decode(string epoch, byte[] entry)
    {
        var span = entry.AsSpan();
        var sequence = ReadNumber(ref span);
        var publishedAt = ReadNumber(ref span);
        var keyLength = (int)ReadNumber(ref span);
        var typeLength = (int)ReadNumber(ref span);
        span = span[keyLength..];
        var type = typeLength == 0 ? null : Encoding.UTF8.GetString(span[..typeLength]);
        return new TopicEvent(new EventPosition(epoch, sequence), type, span[typeLength..].ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(publishedAt));
    }

    private static long ReadNumber(ref Span<byte> span)
    {
        var space = span.IndexOf((byte)' ');
        var value = long.Parse(span[..space], NumberStyles.None, CultureInfo.InvariantCulture);
        span = span[(space + 1)..];
        return value;
    }

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static RedisKey MetaKey(string topic) => $"notify:{{{topic}}}:meta";

    private static RedisKey EventsKey(string topic) => $"notify:{{{topic}}}:events";

    private static RedisKey IdempotencyKeysKey(string topic) => $"notify:{{{topic}}}:idempotency";

    private static RedisKey IdempotencyOrderKey(string topic) => $"notify:{{{topic}}}:idempotency-order";
}

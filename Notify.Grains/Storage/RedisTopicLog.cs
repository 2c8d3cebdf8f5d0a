using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Notify.Grains.Storage;

/// <summary>
/// A topic's history in Redis (or any server speaking its protocol with Lua scripting, such as Garnet).
/// </summary>
/// <remarks>
/// Per topic, all in one hash slot (<c>{topic}</c>): a hash <c>notify:{t}:meta</c> (epoch, last position,
/// bytes held), a list <c>notify:{t}:events</c> (one entry per buffered event, oldest first) and a string
/// per idempotency key. Appending is one script: remember the idempotency key, push the event, advance the
/// position, trim from the front by count, bytes and age. Its cost does not depend on how much the topic
/// holds (each trimmed event is popped once). A script runs atomically on Redis; Garnet needs
/// <c>--lua-transaction-mode</c> to run it in isolation, and may persist only part of a script cut short
/// by a crash, so the writes are ordered to make any part a consistent state.
/// <para>
/// Entries are <c>{sequence} {published-at, unix ms} {type length} {type}{data}</c>, binary-safe.
/// When the meta hash is missing (a new topic, an emptied store, or a topic idle past its retention), a new
/// epoch starts, so no old position is ever reused.
/// </para>
/// </remarks>
public sealed class RedisTopicLog(IConnectionMultiplexer redis, IOptions<TopicOptions> options) : ITopicLog
{
    // Shared by both scripts. A script may be cut short by a crash and only partly persisted (Garnet does not
    // roll back), so every write below is ordered such that any prefix of them is a consistent state.
    private const string Functions = """
        local function trim(meta, events, maxEvents, maxBytes, cutoff, keep)
          local len = redis.call('LLEN', events)
          local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
          while len > keep do
            local head = redis.call('LINDEX', events, 0)
            local time, typeLength, body = string.match(head, '^%d+ (%d+) (%d+) ()')
            if len > maxEvents or bytes > maxBytes or tonumber(time) <= cutoff then
              redis.call('LPOP', events)
              bytes = redis.call('HINCRBY', meta, 'bytes', -(#head - body + 1))
              len = len - 1
            else
              break
            end
          end
        end
        local function start(meta, events, newEpoch)
          local epoch = redis.call('HGET', meta, 'epoch')
          if not epoch then
            epoch = newEpoch
            redis.call('DEL', events)
            redis.call('HSET', meta, 'epoch', epoch, 'last', 0, 'bytes', 0)
          end
          return epoch
        end
        -- The last position given out: the counter, or the newest event if a crash kept the event but not the counter.
        local function last(meta, events)
          local counter = tonumber(redis.call('HGET', meta, 'last') or '0')
          local tail = redis.call('LINDEX', events, -1)
          if tail then
            local sequence = tonumber(string.match(tail, '^(%d+) '))
            if sequence > counter then return sequence end
          end
          return counter
        end
        """;

    // KEYS: meta, events. ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention.
    private const string LoadScript = Functions + "\n" + """
        local epoch = start(KEYS[1], KEYS[2], ARGV[1])
        trim(KEYS[1], KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[2]) - tonumber(ARGV[4]), 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        return { epoch, tostring(last(KEYS[1], KEYS[2])), redis.call('LRANGE', KEYS[2], 0, -1) }
        """;

    // KEYS: meta, events, idempotency key. ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention,
    // idempotency window, has key ('1'/'0'), type, data.
    // Order of writes: the idempotency key (naming the position about to be written), the event, the counter.
    // A retry after a crash then finds the key: its event is there (answer it) or not yet (write it now).
    private const string AppendScript = Functions + "\n" + """
        local meta, events = KEYS[1], KEYS[2]
        local epoch = start(meta, events, ARGV[1])
        local sequence = last(meta, events) + 1
        if ARGV[8] == '1' then
          local prior = redis.call('GET', KEYS[3])
          if prior then
            local priorEpoch, priorSequence = string.match(prior, '^(.*):(%d+)$')
            if priorEpoch == epoch and tonumber(priorSequence) < sequence then return { epoch, prior, 1 } end
          end
          redis.call('SET', KEYS[3], epoch .. ':' .. sequence, 'PX', ARGV[7])
        end
        if redis.call('EXISTS', events) == 0 then redis.call('HSET', meta, 'bytes', 0) end
        local eventType, data = ARGV[9], ARGV[10]
        redis.call('RPUSH', events, sequence .. ' ' .. ARGV[2] .. ' ' .. #eventType .. ' ' .. eventType .. data)
        redis.call('HSET', meta, 'last', sequence)
        redis.call('HINCRBY', meta, 'bytes', #eventType + #data)
        trim(meta, events, tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[2]) - tonumber(ARGV[4]), 1)
        redis.call('PEXPIRE', events, ARGV[4])
        redis.call('PEXPIRE', meta, ARGV[6])
        return { epoch, tostring(sequence), 0 }
        """;

    private readonly TopicOptions _options = options.Value;

    public bool IsDurable => true;

    public async Task<TopicLogState> LoadAsync(string topic, string newEpoch, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var result = await EvaluateAsync(
            LoadScript,
            [MetaKey(topic), EventsKey(topic)],
            [newEpoch, now.ToUnixTimeMilliseconds(), _options.BufferMaxEvents, Milliseconds(_options.BufferMaxAge), _options.BufferMaxBytes, Milliseconds(_options.HistoryRetention)],
            cancellationToken);

        var epoch = (string)result[0]!;
        var last = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        var entries = (RedisResult[])result[2]!;
        var events = new List<TopicEvent>(entries.Length);
        foreach (var entry in entries)
        {
            events.Add(Decode(epoch, (byte[])entry!));
        }

        return new TopicLogState(epoch, last, events);
    }

    public async Task<TopicLogAppend> AppendAsync(string topic, TopicLogEntry entry, CancellationToken cancellationToken = default)
    {
        var hasKey = entry.IdempotencyKey is not null;
        var result = await EvaluateAsync(
            AppendScript,
            [MetaKey(topic), EventsKey(topic), IdempotencyKey(topic, entry.IdempotencyKey ?? "")],
            [
                entry.NewEpoch, entry.PublishedAt.ToUnixTimeMilliseconds(), _options.BufferMaxEvents, Milliseconds(_options.BufferMaxAge),
                _options.BufferMaxBytes, Milliseconds(_options.HistoryRetention), Milliseconds(_options.IdempotencyWindow),
                hasKey ? "1" : "0", entry.Type ?? "", entry.Data,
            ],
            cancellationToken);

        var epoch = (string)result[0]!;
        var replayed = (int)result[2] == 1;
        var position = replayed && EventPosition.TryParse((string)result[1]!, out var prior)
            ? prior.Value
            : new EventPosition(epoch, long.Parse((string)result[1]!, CultureInfo.InvariantCulture));
        return new TopicLogAppend(position, replayed);
    }

    private async Task<RedisResult[]> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(script, keys, values).WaitAsync(cancellationToken);
            return (RedisResult[])result!;
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            // Not wrapped: the exception crosses silos, and Orleans cannot serialize StackExchange.Redis' exceptions.
            throw new TopicLogUnavailableException($"The topic store cannot be reached: {exception.Message}");
        }
    }

    /// <summary>Decodes <c>{sequence} {unix ms} {type length} {type}{data}</c>.</summary>
    internal static TopicEvent Decode(string epoch, byte[] entry)
    {
        var span = entry.AsSpan();
        var sequence = ReadNumber(ref span);
        var publishedAt = ReadNumber(ref span);
        var typeLength = (int)ReadNumber(ref span);
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

    private static RedisKey IdempotencyKey(string topic, string key) => $"notify:{{{topic}}}:idem:{key}";
}

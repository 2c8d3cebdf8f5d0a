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
    // Shared by the scripts. A script may be cut short by a crash and only partly persisted (Garnet does not
    // roll back), so every write below is ordered such that any prefix of them is a consistent state.
    private const string Functions = """
        local function trim(meta, events, maxEvents, maxBytes, cutoff, keep)
          local len = redis.call('LLEN', events)
          local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
          while len > keep do
            local head = redis.call('LINDEX', events, 0)
            local time, keyLength, body = string.match(head, '^%d+ (%d+) (%d+) %d+ ()')
            if len > maxEvents or bytes > maxBytes or tonumber(time) <= cutoff then
              redis.call('LPOP', events)
              bytes = redis.call('HINCRBY', meta, 'bytes', -(#head - body + 1 - tonumber(keyLength)))
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

    // KEYS: meta, events. ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention, lease token, '1' to renew it.
    // Opening takes the lease: from now on only appends with this token are accepted. Renewing keeps a lease still held.
    // A topic that never had an event keeps its epoch only as long as an event would stay (reads cost the store little).
    private const string OpenScript = Functions + "\n" + """
        local lease = redis.call('HGET', KEYS[1], 'lease')
        if ARGV[8] == '1' and lease and lease ~= ARGV[7] then return { 'fenced' } end
        local epoch = start(KEYS[1], KEYS[2], ARGV[1])
        trim(KEYS[1], KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[2]) - tonumber(ARGV[4]), 0)
        local lastSequence = last(KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[1], 'lease', ARGV[7])
        redis.call('PEXPIRE', KEYS[1], lastSequence == 0 and ARGV[4] or ARGV[6])
        return { epoch, tostring(lastSequence), redis.call('LRANGE', KEYS[2], 0, -1) }
        """;

    // KEYS: meta, events, idempotency keys (hash: key -> "expires epoch:sequence"), their order (list of "expires key").
    // ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention, idempotency window, most idempotency keys, lease token,
    // then per entry: key ('' for none), type, data.
    // The lease is checked first: a stale lease stores nothing. A missing meta hash means the history is gone: the batch
    // starts a new one, and the caller's lease becomes its lease. Per entry, the order of writes is: the idempotency key
    // (naming the position about to be written), the event (carrying its key), the counter; so a prefix cut short by a
    // crash is consistent: a retry finds the key, and is answered only if the event at its position is there and
    // carries the key; otherwise (never written, or the position went to another publish meanwhile) it is written now.
    private const string AppendScript = Functions + "\n" + """
        local meta, events, keys, order = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local now = tonumber(ARGV[2])
        local lease = redis.call('HGET', meta, 'lease')
        if lease and lease ~= ARGV[9] then return { 'fenced' } end
        local epoch = start(meta, events, ARGV[1])
        if not lease then redis.call('HSET', meta, 'lease', ARGV[9]) end
        local lastSequence = last(meta, events)
        local count = redis.call('LLEN', order)
        while count > 0 do
          local oldest = redis.call('LINDEX', order, 0)
          local expires, name = string.match(oldest, '^(%d+) (.*)$')
          if tonumber(expires) > now and count <= tonumber(ARGV[8]) then break end
          redis.call('LPOP', order)
          local current = redis.call('HGET', keys, name)
          if current and string.match(current, '^(%d+) ') == expires then redis.call('HDEL', keys, name) end
          count = count - 1
        end
        local answers = { epoch }
        for i = 10, #ARGV, 3 do
          local key, eventType, data = ARGV[i], ARGV[i + 1], ARGV[i + 2]
          local answered = false
          if key ~= '' then
            local prior = redis.call('HGET', keys, key)
            if prior then
              local priorEpoch, priorSequence = string.match(prior, '^%d+ (.*):(%d+)$')
              priorSequence = tonumber(priorSequence)
              if priorEpoch == epoch and priorSequence <= lastSequence then
                local owner = key
                local head = redis.call('LINDEX', events, 0)
                if head then
                  local first = tonumber(string.match(head, '^(%d+) '))
                  if priorSequence >= first then
                    local entry = redis.call('LINDEX', events, priorSequence - first)
                    local keyLength, body = string.match(entry, '^%d+ %d+ (%d+) %d+ ()')
                    owner = string.sub(entry, body, body + tonumber(keyLength) - 1)
                  end
                end
                if owner == key then
                  answers[#answers + 1] = priorEpoch .. ':' .. priorSequence
                  answers[#answers + 1] = 1
                  answered = true
                end
              end
            end
          end
          if not answered then
            local sequence = lastSequence + 1
            if key ~= '' then
              local expires = now + tonumber(ARGV[7])
              redis.call('HSET', keys, key, expires .. ' ' .. epoch .. ':' .. sequence)
              redis.call('RPUSH', order, expires .. ' ' .. key)
            end
            if redis.call('EXISTS', events) == 0 then redis.call('HSET', meta, 'bytes', 0) end
            redis.call('RPUSH', events, sequence .. ' ' .. ARGV[2] .. ' ' .. #key .. ' ' .. #eventType .. ' ' .. key .. eventType .. data)
            redis.call('HSET', meta, 'last', sequence)
            redis.call('HINCRBY', meta, 'bytes', #eventType + #data)
            lastSequence = sequence
            answers[#answers + 1] = epoch .. ':' .. sequence
            answers[#answers + 1] = 0
          end
        end
        trim(meta, events, tonumber(ARGV[3]), tonumber(ARGV[5]), now - tonumber(ARGV[4]), 1)
        if redis.call('EXISTS', keys) == 1 then
          redis.call('PEXPIRE', keys, ARGV[7])
          redis.call('PEXPIRE', order, ARGV[7])
        end
        redis.call('PEXPIRE', events, ARGV[4])
        redis.call('PEXPIRE', meta, ARGV[6])
        return answers
        """;

    // KEYS: meta, events. The last position, without taking the lease.
    private const string LastScript = Functions + "\n" + """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if not epoch then return false end
        return { epoch, tostring(last(KEYS[1], KEYS[2])) }
        """;

    private readonly TopicOptions _options = options.Value;

    public async Task<TopicHistory> OpenAsync(string topic, DateTimeOffset now, TopicLease? renew = null, CancellationToken cancellationToken = default)
    {
        var lease = renew ?? new TopicLease(topic, Guid.NewGuid().ToString("N"));
        var result = await EvaluateAsync(
            OpenScript,
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
            AppendScript, [MetaKey(topic), EventsKey(topic), IdempotencyKeysKey(topic), IdempotencyOrderKey(topic)], values, cancellationToken);
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
        var result = await EvaluateAsync(LastScript, [MetaKey(topic), EventsKey(topic)], [], cancellationToken, allowNull: true);
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

namespace Notify.Grains.Storage;

/// <summary>
/// The Lua scripts of <see cref="RedisTopicLog"/>. Each runs atomically in the store (Garnet needs
/// <c>--lua-transaction-mode</c>). A script may be cut short by a crash and only partly persisted (Garnet does not roll
/// back), so every script orders its writes such that any prefix of them is a consistent state.
/// </summary>
/// <remarks>
/// Writes are few and grouped per batch, whatever its size: with the append-only file's commit-wait, the store commits
/// each write of a script separately, so the number of writes, not of events, sets what a batch costs.
/// </remarks>
internal static class RedisTopicScripts
{
    private const string Functions = """
        -- Bytes an event entry costs in the byte limit: its type and data ('{seq} {ms} {keyLength} {typeLength} {key}{type}{data}').
        local function size(entry)
          local keyLength, body = string.match(entry, '^%d+ %d+ (%d+) %d+ ()')
          return #entry - body + 1 - tonumber(keyLength)
        end
        -- How many events to drop from the front (count, bytes, age), never below keep, and the bytes left.
        local function excess(events, len, bytes, maxEvents, maxBytes, cutoff, keep)
          local drop = 0
          while len - drop > keep do
            local chunk = redis.call('LRANGE', events, drop, drop + 63)
            local stop = false
            for _, entry in ipairs(chunk) do
              if len - drop <= keep then stop = true break end
              local time = tonumber(string.match(entry, '^%d+ (%d+) '))
              if len - drop > maxEvents or bytes > maxBytes or time <= cutoff then
                drop = drop + 1
                bytes = bytes - size(entry)
              else
                stop = true
                break
              end
            end
            if stop or #chunk == 0 then break end
          end
          if bytes < 0 then bytes = 0 end
          return drop, bytes
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
        -- The list holds consecutive positions, so the newest is the oldest's plus the length less one: Garnet's
        -- LINDEX walks its list from the head, and reading the tail would cost every append the topic's whole buffer.
        local function last(meta, events)
          local counter = tonumber(redis.call('HGET', meta, 'last') or '0')
          local head = redis.call('LINDEX', events, 0)
          if head then
            local sequence = tonumber(string.match(head, '^(%d+) ')) + redis.call('LLEN', events) - 1
            if sequence > counter then return sequence end
          end
          return counter
        end
        -- Keeps a key for at least ttl ms from now, moving its expiry (a write) at most once a second.
        local function keep(key, now, ttl)
          local at = (math.floor((now + ttl) / 1000) + 1) * 1000
          local current = redis.call('PEXPIRETIME', key)
          if current < at then redis.call('PEXPIREAT', key, at) end
        end
        """;

    // KEYS: meta, events. ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention, lease token, '1' to renew it.
    // Opening takes the lease: from now on only appends with this token are accepted. Renewing keeps a lease still held.
    // A topic that never had an event keeps its epoch only as long as an event would stay (reads cost the store little).
    public const string Open = Functions + "\n" + """
        local meta, events, now = KEYS[1], KEYS[2], tonumber(ARGV[2])
        local lease = redis.call('HGET', meta, 'lease')
        if ARGV[8] == '1' and lease and lease ~= ARGV[7] then return { 'fenced' } end
        local epoch = start(meta, events, ARGV[1])
        local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
        local drop
        drop, bytes = excess(events, redis.call('LLEN', events), bytes, tonumber(ARGV[3]), tonumber(ARGV[5]), now - tonumber(ARGV[4]), 0)
        if drop > 0 then
          redis.call('LTRIM', events, drop, -1)
          redis.call('HSET', meta, 'bytes', bytes)
        end
        local lastSequence = last(meta, events)
        redis.call('HSET', meta, 'lease', ARGV[7])
        redis.call('PEXPIRE', meta, lastSequence == 0 and ARGV[4] or ARGV[6])
        return { epoch, tostring(lastSequence), redis.call('LRANGE', events, 0, -1) }
        """;

    // KEYS: meta, events, idempotency keys (hash: key -> "expires epoch:sequence"), their order (list of "expires key").
    // ARGV: newEpoch, now, maxEvents, maxAge, maxBytes, retention, idempotency window, most idempotency keys, lease token,
    // then per entry: key ('' for none), type, data.
    // The lease is checked first: a stale lease stores nothing. A missing meta hash means the history is gone: the batch
    // starts a new one, and the caller's lease becomes its lease. Writes, in order: the batch's idempotency keys (each
    // naming the position about to be written), its events (each carrying its key, in one push), the counter and bytes,
    // then trimming. A prefix cut short by a crash is consistent: a retry finds its key and is answered only if the event
    // at that position is there and carries the key; otherwise (never written, or the position went to another publish
    // meanwhile) it is written now; events without the counter are found by last().
    public const string Append = Functions + "\n" + """
        local meta, events, keys, order = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local now, window = tonumber(ARGV[2]), tonumber(ARGV[7])
        local lease = redis.call('HGET', meta, 'lease')
        if lease and lease ~= ARGV[9] then return { 'fenced' } end
        local epoch = start(meta, events, ARGV[1])
        if not lease then redis.call('HSET', meta, 'lease', ARGV[9]) end
        local lastSequence = last(meta, events)

        -- Forget keys past the window or beyond the most kept, oldest first.
        local orderLength = redis.call('LLEN', order)
        local expired, forgotten = 0, {}
        while expired < orderLength do
          local chunk = redis.call('LRANGE', order, expired, expired + 63)
          local stop = false
          for _, oldest in ipairs(chunk) do
            local expires, name = string.match(oldest, '^(%d+) (.*)$')
            if tonumber(expires) > now and orderLength - expired <= tonumber(ARGV[8]) then stop = true break end
            local current = redis.call('HGET', keys, name)
            if current and string.match(current, '^(%d+) ') == expires then forgotten[name] = true end
            expired = expired + 1
          end
          if stop or #chunk == 0 then break end
        end

        local answers, fields, queued, pushed, given = { epoch }, {}, {}, {}, {}
        local added = 0
        for i = 10, #ARGV, 3 do
          local key, eventType, data = ARGV[i], ARGV[i + 1], ARGV[i + 2]
          local answer = nil
          if key ~= '' then
            answer = given[key]
            local prior = answer == nil and not forgotten[key] and redis.call('HGET', keys, key)
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
                if owner == key then answer = priorEpoch .. ':' .. priorSequence end
              end
            end
          end
          if answer then
            answers[#answers + 1] = answer
            answers[#answers + 1] = 1
          else
            local sequence = lastSequence + 1
            local position = epoch .. ':' .. sequence
            if key ~= '' then
              local expires = now + window
              fields[#fields + 1] = key
              fields[#fields + 1] = expires .. ' ' .. position
              queued[#queued + 1] = expires .. ' ' .. key
              given[key] = position
            end
            pushed[#pushed + 1] = sequence .. ' ' .. ARGV[2] .. ' ' .. #key .. ' ' .. #eventType .. ' ' .. key .. eventType .. data
            added = added + #eventType + #data
            lastSequence = sequence
            answers[#answers + 1] = position
            answers[#answers + 1] = 0
          end
        end

        if #fields > 0 then
          redis.call('HSET', keys, unpack(fields))
          redis.call('RPUSH', order, unpack(queued))
        end
        local forget = {}
        for name in pairs(forgotten) do
          if not given[name] then forget[#forget + 1] = name end -- a key used again in this batch keeps its new position
        end
        if #forget > 0 then redis.call('HDEL', keys, unpack(forget)) end
        if expired > 0 then redis.call('LTRIM', order, expired, -1) end
        if #pushed > 0 then redis.call('RPUSH', events, unpack(pushed)) end
        local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0') + added
        local drop
        drop, bytes = excess(events, redis.call('LLEN', events), bytes, tonumber(ARGV[3]), tonumber(ARGV[5]), now - tonumber(ARGV[4]), 1)
        redis.call('HSET', meta, 'last', lastSequence, 'bytes', bytes)
        if drop > 0 then redis.call('LTRIM', events, drop, -1) end
        keep(events, now, tonumber(ARGV[4]))
        keep(meta, now, tonumber(ARGV[6]))
        if redis.call('EXISTS', keys) == 1 then
          keep(keys, now, window)
          keep(order, now, window)
        end
        return answers
        """;

    // KEYS: meta, events. The last position, without taking the lease.
    public const string Last = Functions + "\n" + """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if not epoch then return false end
        return { epoch, tostring(last(KEYS[1], KEYS[2])) }
        """;
}

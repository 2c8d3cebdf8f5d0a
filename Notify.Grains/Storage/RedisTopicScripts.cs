namespace Notify.Grains.Storage;

/// <summary>
/// The Lua scripts of <see cref="RedisTopicLog"/>: each runs atomically in the store (Garnet needs
/// <c>--lua-transaction-mode</c>), and each is written so that any prefix of its writes, which a crash may leave
/// persisted, is a consistent state.
/// </summary>
internal static class RedisTopicScripts
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
    public const string Open = Functions + "\n" + """
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
    public const string Append = Functions + "\n" + """
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
    public const string Last = Functions + "\n" + """
        local epoch = redis.call('HGET', KEYS[1], 'epoch')
        if not epoch then return false end
        return { epoch, tostring(last(KEYS[1], KEYS[2])) }
        """;
}

using System.Collections.Concurrent;

namespace Notify.Api.Presence;

/// <summary>Counts in this process, for a node without a store (one silo, topics in memory).</summary>
public sealed class MemorySubscriberCountStore : ISubscriberCountStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _topics = new(StringComparer.Ordinal);

    public Task WriteAsync(string silo, IReadOnlyList<KeyValuePair<string, int>> counts, CancellationToken cancellationToken)
    {
        foreach (var (topic, count) in counts)
        {
            var silos = _topics.GetOrAdd(topic, static _ => new(StringComparer.Ordinal));
            if (count > 0)
            {
                silos[silo] = count;
            }
            else
            {
                silos.TryRemove(silo, out _);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, int>> ReadAsync(string topic, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(
            _topics.TryGetValue(topic, out var silos) ? new Dictionary<string, int>(silos, StringComparer.Ordinal) : new Dictionary<string, int>());

    public Task ForgetAsync(string topic, IReadOnlyList<string> silos, CancellationToken cancellationToken)
    {
        if (_topics.TryGetValue(topic, out var counts))
        {
            foreach (var silo in silos)
            {
                counts.TryRemove(silo, out _);
            }
        }

        return Task.CompletedTask;
    }
}

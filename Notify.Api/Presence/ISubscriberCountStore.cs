namespace Notify.Api.Presence;

/// <summary>
/// Where each silo keeps how many SSE connections it holds per topic, so any silo can answer for the whole cluster.
/// Silos write changes in batches (never a write per connect); readers drop the entries of silos no longer active.
/// </summary>
public interface ISubscriberCountStore
{
    /// <summary>Sets <paramref name="silo"/>'s counts for the topics in <paramref name="counts"/>; a count of 0 removes the entry.</summary>
    Task WriteAsync(string silo, IReadOnlyList<KeyValuePair<string, int>> counts, CancellationToken cancellationToken);

    /// <summary>Every silo's count for <paramref name="topic"/>, by silo.</summary>
    Task<IReadOnlyDictionary<string, int>> ReadAsync(string topic, CancellationToken cancellationToken);

    /// <summary>Removes what <paramref name="silo"/> wrote for <paramref name="topic"/> (a silo found dead).</summary>
    Task ForgetAsync(string topic, IReadOnlyList<string> silos, CancellationToken cancellationToken);
}

namespace Notify.Grains.Streaming;

/// <summary>The numbers of the stream queues this silo reads, as its <see cref="QueueOwnerBalancer"/> last took them (for <c>GET /silo</c>).</summary>
public sealed class LocalStreamQueues
{
    private volatile IReadOnlyList<int> _numbers = [];

    /// <summary>The queue numbers, in order.</summary>
    public IReadOnlyList<int> Numbers => _numbers;

    internal void Set(IEnumerable<uint> numbers) => _numbers = [.. numbers.Select(number => (int)number).Order()];
}

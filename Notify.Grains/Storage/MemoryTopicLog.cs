namespace Notify.Grains.Storage;

/// <summary>
/// No store: the topic grain's memory is the history. A new activation starts a new epoch, so clients
/// resuming from the old one are told their position is gone (<c>notify.reset</c>, reason <c>epoch</c>).
/// </summary>
public sealed class MemoryTopicLog : ITopicLog
{
    public bool IsDurable => false;

    public Task<TopicLogState> LoadAsync(string topic, string newEpoch, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult(new TopicLogState(newEpoch, 0, []));

    public Task<TopicLogAppend> AppendAsync(string topic, TopicLogEntry entry, CancellationToken cancellationToken = default) =>
        Task.FromResult(new TopicLogAppend(entry.Expected, Replayed: false));
}

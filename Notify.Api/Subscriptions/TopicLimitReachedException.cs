namespace Notify.Api.Subscriptions;

/// <summary>This silo follows <see cref="Limits.LimitOptions.MaxTopics"/> topics already and may not follow one more.</summary>
public sealed class TopicLimitReachedException(string topic)
    : Exception($"This silo follows as many topics as it may; '{topic}' is not one of them.");

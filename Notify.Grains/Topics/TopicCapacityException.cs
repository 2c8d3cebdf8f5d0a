namespace Notify.Grains.Topics;

/// <summary>
/// The silo chosen for a topic's grain holds <see cref="TopicOptions.MaxActivePerSilo"/> topics already. The caller
/// answers <c>503</c> with <c>Retry-After</c>: idle topics are collected, and a retry may be placed on another silo.
/// </summary>
[GenerateSerializer]
public sealed class TopicCapacityException : Exception
{
    public TopicCapacityException()
    {
    }

    public TopicCapacityException(string topic)
        : base($"This silo holds as many topics as it may; topic '{topic}' cannot be activated now.")
    {
    }

    public TopicCapacityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Notify.Grains.Storage;

/// <summary>
/// The topic's store cannot be reached now: nothing was stored (or it is not known to be). Retry later.
/// Thrown without the store client's exception inside: it travels between silos, which cannot serialize that.
/// </summary>
[GenerateSerializer]
public sealed class TopicLogUnavailableException : Exception
{
    public TopicLogUnavailableException()
    {
    }

    public TopicLogUnavailableException(string message)
        : base(message)
    {
    }

    public TopicLogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

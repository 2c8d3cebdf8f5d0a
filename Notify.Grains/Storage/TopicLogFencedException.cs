namespace Notify.Grains.Storage;

/// <summary>
/// The topic was opened again since this lease was taken (another activation of its grain now writes it): nothing was
/// stored. The caller's activation is stale and must not write again.
/// </summary>
[GenerateSerializer]
public sealed class TopicLogFencedException : Exception
{
    public TopicLogFencedException()
    {
    }

    public TopicLogFencedException(string message)
        : base(message)
    {
    }

    public TopicLogFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

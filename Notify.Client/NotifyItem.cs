namespace Notify.Client;

/// <summary>
/// What a subscription yields: a <see cref="NotifyEvent"/>, or a <see cref="NotifyNotice"/> telling that the stream
/// could not continue exactly as asked. Every item names its topic and the position to persist for it.
/// </summary>
/// <param name="Topic">The topic the item belongs to.</param>
public abstract record NotifyItem(string Topic)
{
    /// <summary>
    /// The id to resume this topic after once this item is handled: persist it with <see cref="Topic"/> and pass it
    /// back in <see cref="NotifyStart.After"/> to continue exactly where this item left off.
    /// </summary>
    public abstract string Position { get; }
}

namespace Notify.Api.Sse;

/// <summary>The event types the server writes itself; publishers may not use the <c>notify.</c> prefix.</summary>
public static class ReservedEvents
{
    /// <summary>Every reserved type starts with this.</summary>
    public const string Prefix = "notify.";

    /// <summary>The resume position could not be honoured; see <see cref="ResetNotice"/>.</summary>
    public const string Reset = "notify.reset";

    /// <summary>The connection fell too far behind and is being closed; see <see cref="LaggedNotice"/>.</summary>
    public const string Lagged = "notify.lagged";

    /// <summary>The client's token expired and the stream is ending; see <see cref="ExpiredNotice"/>.</summary>
    public const string Expired = "notify.expired";
}

namespace Notify.Grains.Reads;

/// <summary>Why a resume position could not be honoured (the <c>reason</c> of a <c>notify.reset</c> event).</summary>
public enum ResetReason
{
    /// <summary>The events after the position have left the buffer (count, age or bytes).</summary>
    Expired,

    /// <summary>The position belongs to another history of the topic (its epoch changed).</summary>
    Epoch,

    /// <summary>The id is not a Notify event id.</summary>
    Malformed,

    /// <summary>The position is beyond the newest event: the topic never had it.</summary>
    Unknown,
}

/// <summary>Wire names of <see cref="ResetReason"/>.</summary>
public static class ResetReasonNames
{
    /// <summary>The lowercase name written in <c>notify.reset</c> events and JSON answers.</summary>
    public static string ToWireName(this ResetReason reason) => reason switch
    {
        ResetReason.Expired => "expired",
        ResetReason.Epoch => "epoch",
        ResetReason.Malformed => "malformed",
        ResetReason.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

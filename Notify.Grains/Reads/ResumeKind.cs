namespace Notify.Grains.Reads;

/// <summary>The kinds of <see cref="ResumeFrom"/>.</summary>
public enum ResumeKind
{
    /// <summary>Live events only.</summary>
    Live,

    /// <summary>The whole buffer.</summary>
    Earliest,

    /// <summary>The events after a position.</summary>
    After,

    /// <summary>An unparseable id.</summary>
    Malformed,

    /// <summary>The newest buffered event.</summary>
    Latest,

    /// <summary>The buffered events published at or after an instant.</summary>
    Since,
}

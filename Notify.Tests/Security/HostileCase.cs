namespace Notify.Tests.Security;

/// <summary>Who writes an answer, which says what its body is.</summary>
public enum AnswerBody
{
    /// <summary>Kestrel refused the request before the app saw it: no body (<c>Content-Length: 0</c>).</summary>
    Empty,

    /// <summary>The app's RFC 9457 problem details, with the answer's status.</summary>
    Problem,

    /// <summary>The app's JSON (a <c>201</c> publish answer).</summary>
    Json,

    /// <summary>Anything else the app serves (the health text, the demo page).</summary>
    Other,
}

/// <summary>The topics one raw request aims at: the one it names, and the one a smuggled second request would publish to.</summary>
public sealed record CaseTarget(string Topic, string Smuggled);

/// <summary>
/// One hostile request sent over a raw socket, and its documented answer (docs/hostile-input.md lists the same rows).
/// Every such request ends with the server closing the connection after exactly one answer, or none.
/// </summary>
/// <param name="Name">Unique: the theory's data and the row in the document.</param>
/// <param name="Request">The request's bytes as Latin-1 text (each char one byte), given its target.</param>
/// <param name="Status">The status of the one answer; 0 when the connection is closed without an HTTP/1.1 answer.</param>
/// <param name="Body">Who answers, and so what the body is.</param>
/// <param name="Stored">For a <c>201</c>: the event data that must be stored; otherwise nothing may be stored.</param>
/// <param name="StoredType">For a <c>201</c>: the event type that must be stored.</param>
/// <param name="Check">Anything else to assert on the bytes received.</param>
public sealed record HostileCase(
    string Name,
    Func<CaseTarget, string> Request,
    int Status,
    AnswerBody Body,
    string? Stored = null,
    string? StoredType = null,
    Action<byte[]>? Check = null)
{
    public override string ToString() => Name;
}

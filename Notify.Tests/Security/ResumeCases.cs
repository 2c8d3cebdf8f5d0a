namespace Notify.Tests.Security;

/// <summary>Where a resume position is sent.</summary>
public enum ResumeVia
{
    /// <summary>The <c>Last-Event-ID</c> header of a subscribe.</summary>
    Header,

    /// <summary>The <c>last_event_id</c> query parameter of a subscribe.</summary>
    Query,

    /// <summary>The <c>lastEventId</c> query parameter of a subscribe.</summary>
    CamelQuery,

    /// <summary>The header, with <c>last_event_id=garbage</c> in the query as well: the header wins.</summary>
    HeaderOverQuery,

    /// <summary>The <c>after</c> query parameter of <c>GET /topics/{topic}/events</c>.</summary>
    EventsAfter,
}

/// <summary>
/// A position the server cannot honour, sent to a topic holding one event. The answer is a <c>200</c> stream whose
/// first event is <c>notify.reset</c> with <paramref name="Reason"/> (for <c>/events</c>, a page whose <c>reset</c> says
/// so), then that event: <c>malformed</c> when the id is not <c>{epoch}:{sequence}</c> (TopicCopy, EventPosition.TryParse),
/// <c>epoch</c> when it names another history (checked first), <c>unknown</c> when it is past the newest event.
/// </summary>
/// <param name="Id">The id as sent, given the topic's epoch; a query value is already percent-encoded.</param>
public sealed record ResumeCase(string Name, ResumeVia Via, Func<string, string> Id, string Reason)
{
    public override string ToString() => Name;
}

internal static class ResumeCases
{
    /// <summary>An epoch no topic has: 'z' is not one of the base32 digits epochs are made of.</summary>
    private const string OtherEpoch = "zzzzzzzzzz";

    private static readonly Dictionary<string, ResumeCase> ByName = new ResumeCase[]
    {
        new("last-event-id-garbage", ResumeVia.Header, _ => "garbage", "malformed"),
        new("last-event-id-negative", ResumeVia.Header, epoch => $"{epoch}:-1", "malformed"),
        new("last-event-id-20-digits", ResumeVia.Header, epoch => $"{epoch}:99999999999999999999", "malformed"),
        new("last-event-id-long-max", ResumeVia.Header, epoch => $"{epoch}:9223372036854775807", "unknown"),
        new("last-event-id-future", ResumeVia.Header, epoch => $"{epoch}:1000", "unknown"),
        new("last-event-id-other-epoch", ResumeVia.Header, _ => $"{OtherEpoch}:1", "epoch"),
        new("last-event-id-other-epoch-and-future", ResumeVia.Header, _ => $"{OtherEpoch}:999999", "epoch"),
        new("last-event-id-upper-case-epoch", ResumeVia.Header, epoch => $"{epoch.ToUpperInvariant()}:1", "malformed"),
        new("last-event-id-25-char-epoch", ResumeVia.Header, _ => $"{new string('a', 25)}:1", "malformed"),
        new("last-event-id-leading-zero", ResumeVia.Header, epoch => $"{epoch}:01", "malformed"),
        new("last-event-id-without-epoch", ResumeVia.Header, _ => ":1", "malformed"),
        new("last-event-id-8KiB", ResumeVia.Header, _ => new string('i', 8 * 1024), "malformed"),
        new("last-event-id-json-spoofing-a-reason", ResumeVia.Header, _ => "\",\"reason\":\"epoch", "malformed"),
        new("last_event_id-query-garbage", ResumeVia.Query, _ => "garbage", "malformed"),
        new("last_event_id-query-crlf-injection", ResumeVia.Query, _ => "x%0D%0A%0D%0Aevent:%20evil%0Adata:%20pwn", "malformed"),
        new("last_event_id-query-nul", ResumeVia.Query, _ => "x%00y", "malformed"),
        new("last_event_id-query-invalid-utf8", ResumeVia.Query, _ => "%C3%28", "malformed"),
        new("last_event_id-query-other-epoch", ResumeVia.Query, _ => $"{OtherEpoch}:1", "epoch"),
        new("lastEventId-query-future", ResumeVia.CamelQuery, epoch => $"{epoch}:50", "unknown"),
        new("header-wins-over-query", ResumeVia.HeaderOverQuery, _ => $"{OtherEpoch}:1", "epoch"),
        new("events-after-garbage", ResumeVia.EventsAfter, _ => "garbage", "malformed"),
        new("events-after-future", ResumeVia.EventsAfter, epoch => $"{epoch}:1000", "unknown"),
        new("events-after-other-epoch", ResumeVia.EventsAfter, _ => $"{OtherEpoch}:1", "epoch"),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static ResumeCase Named(string name) => ByName[name];
}

namespace Notify.Tests.Security;

/// <summary>
/// An event body written to look like SSE fields or event boundaries. It arrives as one event: each of its lines
/// (CR, LF and CRLF all end one) becomes a <c>data:</c> line, so nothing in it is read as a field or ends the event.
/// </summary>
/// <param name="Body">The body published.</param>
/// <param name="DataLines">The <c>data:</c> lines written on the stream for it.</param>
/// <param name="Data">The event's data as an EventSource sees it: the lines joined with LF.</param>
public sealed record InjectionCase(string Name, string Body, string DataLines, string Data)
{
    public override string ToString() => Name;
}

internal static class InjectionCases
{
    private static readonly Dictionary<string, InjectionCase> ByName = new InjectionCase[]
    {
        new("body-fake-event-after-blank-lines", "\n\nid: x\nevent: y\ndata: z",
            "data: \ndata: \ndata: id: x\ndata: event: y\ndata: data: z\n", "\n\nid: x\nevent: y\ndata: z"),
        new("body-fake-reset-with-crlf", "ok\r\n\r\nevent: notify.reset\r\ndata: {\"reason\":\"epoch\"}",
            "data: ok\ndata: \ndata: event: notify.reset\ndata: data: {\"reason\":\"epoch\"}\n", "ok\n\nevent: notify.reset\ndata: {\"reason\":\"epoch\"}"),
        new("body-bare-cr-line-ends", "a\rb\r\rc", "data: a\ndata: b\ndata: \ndata: c\n", "a\nb\n\nc"),
        new("body-comment-retry-and-empty-id", ":comment\nretry: 1\nid:", "data: :comment\ndata: retry: 1\ndata: id:\n", ":comment\nretry: 1\nid:"),
        new("body-nul-on-the-stream", "a\0b", "data: a\0b\n", "a\0b"),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static InjectionCase Named(string name) => ByName[name];
}

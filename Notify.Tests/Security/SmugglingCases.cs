namespace Notify.Tests.Security;

/// <summary>
/// Request smuggling shapes: requests whose length a proxy in front could read differently than Kestrel does, each
/// followed on the same connection by a well-formed publish to another topic (<see cref="Wire.Smuggled"/>). Each is
/// answered 400 and the connection closed: the second request is never executed, whichever length is believed.
/// </summary>
internal static class SmugglingCases
{
    private const string Chunked = "Transfer-Encoding: chunked\r\n";
    private const string OneChunk = "1\r\nx\r\n0\r\n\r\n";

    public static IEnumerable<HostileCase> All =>
    [
        // Two framings at once (RFC 9112 §6.1, §6.3): refused by the app (RequestFramingExtensions).
        new("content-length-and-chunked", t => Head(t, "Content-Length: 6\r\n" + Chunked) + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunked-and-content-length", t => Head(t, Chunked + "Content-Length: 3\r\n") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunked-in-http1.0", t => Head(t, Chunked, "HTTP/1.0") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),

        // Ambiguous lengths and codings: refused by Kestrel.
        new("two-content-lengths-same", t => Head(t, "Content-Length: 1\r\nContent-Length: 1\r\n") + "x" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("two-content-lengths-different", t => Head(t, "Content-Length: 1\r\nContent-Length: 40\r\n") + "x" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("content-length-list", t => Head(t, "Content-Length: 1, 1\r\n") + "x" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("chunked-then-identity", t => Head(t, "Transfer-Encoding: chunked, identity\r\n") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("identity-only", t => Head(t, "Transfer-Encoding: identity\r\n") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("xchunked", t => Head(t, "Transfer-Encoding: xchunked\r\n") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),
        new("transfer-encoding-space-before-colon", t => Head(t, "Transfer-Encoding : chunked\r\n") + OneChunk + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Empty),

        // Malformed chunks: Kestrel throws while the app reads the body; the app answers 400 (Problems.BadBody).
        new("chunk-size-negative", t => Head(t, Chunked) + "-1\r\nx\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-size-overflow", t => Head(t, Chunked) + "FFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-size-trailing-space", t => Head(t, Chunked) + "1 \r\nx\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-extension-bare-cr", t => Head(t, Chunked) + "1;a\rb\r\nx\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-extension-bare-lf", t => Head(t, Chunked) + "1;a\nb\r\nx\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-lines-bare-lf", t => Head(t, Chunked) + "1\nx\n0\n\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),
        new("chunk-longer-than-its-size", t => Head(t, Chunked) + "1\r\nxyz\r\n0\r\n\r\n" + Wire.Smuggled(t.Smuggled), 400, AnswerBody.Problem),

        // A body on a GET is read as a body, whatever it holds: the list answers, the request inside is not run.
        new("get-with-a-request-as-body", t => GetWithBody(t, Wire.Smuggled(t.Smuggled)), 200, AnswerBody.Json),
    ];

    private static string Head(CaseTarget target, string headers, string version = "HTTP/1.1") =>
        $"POST /topics/{target.Topic} {version}\r\n{Wire.Host}Content-Type: text/plain\r\n{headers}\r\n";

    private static string GetWithBody(CaseTarget target, string body) =>
        $"GET /topics/{target.Topic}/events HTTP/1.1\r\n{Wire.Host}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
}

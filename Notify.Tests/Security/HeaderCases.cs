namespace Notify.Tests.Security;

/// <summary>Malformed and oversized request lines and headers, other HTTP versions, odd lengths and origins.</summary>
internal static class HeaderCases
{
    public static IEnumerable<HostileCase> All =>
    [
        // Kestrel's limits (KestrelLimitsExtensions) and RFC 9112's grammar: refused before the app sees anything.
        new("header-over-16KiB", t => Wire.Get($"/topics/{t.Topic}", $"X-Big: {new string('b', 17 * 1024)}\r\n"), 431, AnswerBody.Empty),
        new("65-headers", t => Wire.Get($"/topics/{t.Topic}", Wire.Headers(63)), 431, AnswerBody.Empty), // with Host and Connection
        new("64-headers", t => Wire.Get($"/topics/{t.Topic}/events", Wire.Headers(62)), 200, AnswerBody.Json), // exactly the limit
        new("request-line-over-8KiB", t => Wire.Get($"/topics/{t.Topic}?pad={new string('q', 8 * 1024)}"), 414, AnswerBody.Empty),
        new("topic-id-10000-chars", _ => Wire.Get($"/topics/{new string('t', 10_000)}"), 414, AnswerBody.Empty),
        new("topic-id-5000-chars", _ => Wire.Post($"/topics/{new string('t', 5_000)}", "x"), 400, AnswerBody.Problem),
        new("header-without-colon", t => Wire.Get($"/topics/{t.Topic}", "NoColonHere\r\n"), 400, AnswerBody.Empty),
        new("obs-fold", t => Wire.Get($"/topics/{t.Topic}", "X-Folded: a\r\n  folded\r\n"), 400, AnswerBody.Empty),
        new("nul-in-header-value", t => Wire.Get($"/topics/{t.Topic}", "X-Nul: a\0b\r\n"), 400, AnswerBody.Empty),
        new("space-before-colon", t => Wire.Get($"/topics/{t.Topic}", "X-Space : a\r\n"), 400, AnswerBody.Empty),
        new("bare-lf-line-endings", _ => "GET /health HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n", 200, AnswerBody.Other),
        new("no-host", _ => "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 400, AnswerBody.Empty),
        new("two-hosts", _ => Wire.Get("/health", "Host: other.test\r\n"), 400, AnswerBody.Empty),
        new("http-3.0-request-line", _ => Wire.Get("/health", version: "HTTP/3.0"), 505, AnswerBody.Empty),
        new("http2-preface-on-http1", _ => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0, AnswerBody.Empty, Check: IsGoAwayHttp11Required),
        new("http1.0-publish", t => Wire.Post($"/topics/{t.Topic}", "sent over HTTP/1.0", version: "HTTP/1.0"), 201, AnswerBody.Json, Stored: "sent over HTTP/1.0"),
        new("http1.0-publish-without-length", t => $"POST /topics/{t.Topic} HTTP/1.0\r\n{Wire.Host}\r\nbody", 400, AnswerBody.Empty),
        new("content-length-negative", t => $"POST /topics/{t.Topic} HTTP/1.1\r\n{Wire.Host}Content-Length: -1\r\n\r\nx", 400, AnswerBody.Empty),
        new("content-length-20-digits", t => $"POST /topics/{t.Topic} HTTP/1.1\r\n{Wire.Host}Content-Length: 99999999999999999999\r\n\r\nx", 400, AnswerBody.Empty),
        new("content-length-2MB-expect-continue", t => $"POST /topics/{t.Topic} HTTP/1.1\r\n{Wire.Host}Content-Length: 2000000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", 413, AnswerBody.Problem),
        new("cross-site-origin", t => Wire.Post($"/topics/{t.Topic}", "x", "Origin: http://evil.test\r\n"), 403, AnswerBody.Problem),
    ];

    /// <summary>An HTTP/2 GOAWAY frame (type 7) with HTTP_1_1_REQUIRED (0xd): cleartext HTTP/2 is not served here.</summary>
    private static void IsGoAwayHttp11Required(byte[] received)
    {
        Assert.True(received.Length >= 17, $"got {received.Length} bytes");
        Assert.Equal(7, received[3]);
        Assert.Equal(0x0d, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(received.AsSpan(13, 4)));
    }
}

namespace Notify.Tests.Security;

/// <summary>
/// NUL, CR/LF and invalid UTF-8 in each field a client controls: the topic path, <c>?type=</c>,
/// <c>Idempotency-Key</c>, <c>Last-Event-ID</c> (header and query), the token (header, cookie and query) and the body. Raw bytes that RFC 9112 forbids
/// are refused by Kestrel; percent-encoded ones reach the app, which checks each field.
/// </summary>
internal static class FieldCases
{
    public static IEnumerable<HostileCase> All => [.. Topic, .. Type, .. IdempotencyKey, .. LastEventId, .. Token, .. Body];

    private static IEnumerable<HostileCase> Topic =>
    [
        new("topic-invalid-utf8-raw", _ => Wire.Get("/topics/public.a\u00C3(b"), 400, AnswerBody.Empty),
        new("topic-invalid-utf8-encoded", _ => Wire.Post("/topics/public.a%C3%28b", "x"), 400, AnswerBody.Problem),
        new("topic-nul-raw", _ => Wire.Get("/topics/public.a\0b"), 400, AnswerBody.Empty),
        new("topic-nul-encoded", _ => Wire.Post("/topics/public.a%00b", "x"), 400, AnswerBody.Empty),
        new("topic-crlf-raw", _ => Wire.Get("/topics/public.a\r\nb"), 400, AnswerBody.Empty),
        new("topic-crlf-encoded", _ => Wire.Post("/topics/public.a%0D%0Ab", "x"), 400, AnswerBody.Problem),
    ];

    private static IEnumerable<HostileCase> Type =>
    [
        new("type-invalid-utf8-raw", t => Wire.Post($"/topics/{t.Topic}?type=\u00C3(", "x"), 400, AnswerBody.Empty),
        new("type-invalid-utf8-encoded", t => Wire.Post($"/topics/{t.Topic}?type=%C3%28", "x"), 201, AnswerBody.Json, Stored: "x", StoredType: "%C3("),
        new("type-nul-raw", t => Wire.Post($"/topics/{t.Topic}?type=a\0b", "x"), 400, AnswerBody.Empty),
        new("type-crlf-injection", t => Wire.Post($"/topics/{t.Topic}?type=y%0D%0Aid:%201%0D%0Adata:%20z", "x"), 400, AnswerBody.Problem),
        new("type-reserved-prefix-alone", t => Wire.Post($"/topics/{t.Topic}?type=notify.", "x"), 400, AnswerBody.Problem),
        new("type-reserved-upper-case", t => Wire.Post($"/topics/{t.Topic}?type=NOTIFY.LAGGED", "x"), 400, AnswerBody.Problem),
        new("type-reserved-expired", t => Wire.Post($"/topics/{t.Topic}?type=notify.expired", "x"), 400, AnswerBody.Problem),
        new("type-129-chars", t => Wire.Post($"/topics/{t.Topic}?type={new string('y', 129)}", "x"), 400, AnswerBody.Problem),
        new("type-repeated", t => Wire.Post($"/topics/{t.Topic}?type=a&type=b", "x"), 201, AnswerBody.Json, Stored: "x", StoredType: "a,b"),
    ];

    private static IEnumerable<HostileCase> IdempotencyKey =>
    [
        new("idempotency-key-nul", t => Wire.Post($"/topics/{t.Topic}", "x", "Idempotency-Key: a\0b\r\n"), 400, AnswerBody.Empty),
        new("idempotency-key-bare-cr", t => Wire.Post($"/topics/{t.Topic}", "x", "Idempotency-Key: a\rb\r\n"), 400, AnswerBody.Empty),
        new("idempotency-key-crlf-injection", t => Wire.Post($"/topics/{t.Topic}", "x", "Idempotency-Key: a\r\nb\r\n"), 400, AnswerBody.Empty),
        new("idempotency-key-invalid-utf8", t => Wire.Post($"/topics/{t.Topic}", "x", "Idempotency-Key: a\u00C3(b\r\n"), 400, AnswerBody.Empty),
        new("idempotency-key-utf8-non-ascii", t => Wire.Post($"/topics/{t.Topic}", "x", "Idempotency-Key: \u00C3\u00A9t\u00C3\u00A9\r\n"), 400, AnswerBody.Problem),
        new("idempotency-key-256-chars", t => Wire.Post($"/topics/{t.Topic}", "x", $"Idempotency-Key: {new string('k', 256)}\r\n"), 400, AnswerBody.Problem),
    ];

    private static IEnumerable<HostileCase> LastEventId =>
    [
        new("last-event-id-nul", t => Wire.Get($"/topics/{t.Topic}", "Last-Event-ID: a\0b\r\n"), 400, AnswerBody.Empty),
        new("last-event-id-bare-cr", t => Wire.Get($"/topics/{t.Topic}", "Last-Event-ID: a\rb\r\n"), 400, AnswerBody.Empty),
        new("last-event-id-invalid-utf8", t => Wire.Get($"/topics/{t.Topic}", "Last-Event-ID: a\u00C3(b\r\n"), 400, AnswerBody.Empty),
        new("last-event-id-obs-fold", t => Wire.Get($"/topics/{t.Topic}", "Last-Event-ID: a\r\n b\r\n"), 400, AnswerBody.Empty),
        new("last-event-id-query-nul-raw", t => Wire.Get($"/topics/{t.Topic}?last_event_id=a\0b"), 400, AnswerBody.Empty),
        new("last-event-id-query-invalid-utf8-raw", t => Wire.Get($"/topics/{t.Topic}?last_event_id=a\u00C3(b"), 400, AnswerBody.Empty),
    ];

    private static readonly Action<byte[]> InvalidToken = received =>
        Assert.Contains("WWW-Authenticate: Bearer realm=\"notify\", error=\"invalid_token\"", System.Text.Encoding.Latin1.GetString(received), StringComparison.OrdinalIgnoreCase);

    // A token that cannot be a token is refused (401), never read as no token: the targets are public.* topics.
    private static IEnumerable<HostileCase> Token =>
    [
        new("authorization-nul", t => Wire.Post($"/topics/{t.Topic}", "x", "Authorization: Bearer a\0b\r\n"), 400, AnswerBody.Empty),
        new("authorization-crlf-injection", t => Wire.Post($"/topics/{t.Topic}", "x", "Authorization: Bearer a\r\nb\r\n"), 400, AnswerBody.Empty),
        new("authorization-invalid-utf8", t => Wire.Post($"/topics/{t.Topic}", "x", "Authorization: Bearer a\u00C3(b\r\n"), 400, AnswerBody.Empty),
        new("cookie-token-nul", t => Wire.Post($"/topics/{t.Topic}", "x", "Cookie: notify_token=a\0b\r\n"), 400, AnswerBody.Empty),
        new("cookie-token-invalid-utf8", t => Wire.Post($"/topics/{t.Topic}", "x", "Cookie: notify_token=a\u00C3(b\r\n"), 400, AnswerBody.Empty),
        new("cookie-token-crlf-encoded", t => Wire.Post($"/topics/{t.Topic}", "x", "Cookie: notify_token=a%0D%0Ab\r\n"), 401, AnswerBody.Problem, Check: InvalidToken),
        new("access-token-query-crlf-encoded", t => Wire.Post($"/topics/{t.Topic}?access_token=a%0D%0Ab", "x"), 401, AnswerBody.Problem, Check: InvalidToken),
        new("access-token-query-nul-encoded", t => Wire.Get($"/topics/{t.Topic}?access_token=a%00b", "Accept: text/event-stream\r\n"), 401, AnswerBody.Problem, Check: InvalidToken),
        new("access-token-query-invalid-utf8-encoded", t => Wire.Post($"/topics/{t.Topic}?access_token=%C3%28", "x"), 401, AnswerBody.Problem, Check: InvalidToken),
    ];

    private static IEnumerable<HostileCase> Body =>
    [
        new("body-invalid-utf8-overlong", t => Wire.Post($"/topics/{t.Topic}", "\u00C0\u00AF"), 400, AnswerBody.Problem),
        new("body-invalid-utf8-surrogate", t => Wire.Post($"/topics/{t.Topic}", "\u00ED\u00A0\u0080"), 400, AnswerBody.Problem),
        new("body-invalid-utf8-truncated", t => Wire.Post($"/topics/{t.Topic}", "ok\u00E2\u0082"), 400, AnswerBody.Problem),
        new("body-nul", t => Wire.Post($"/topics/{t.Topic}", "a\0b"), 201, AnswerBody.Json, Stored: "a\0b"),
        new("body-utf8-non-ascii", t => Wire.Post($"/topics/{t.Topic}", "h\u00C3\u00A9"), 201, AnswerBody.Json, Stored: "h\u00E9"),
    ];
}

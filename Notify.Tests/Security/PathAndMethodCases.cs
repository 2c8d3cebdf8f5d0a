namespace Notify.Tests.Security;

/// <summary>Path tricks, methods the API does not have, and media types it does not serve.</summary>
internal static class PathAndMethodCases
{
    public static IEnumerable<HostileCase> All => [.. Paths, .. Methods, .. MediaTypes];

    // Kestrel decodes %2E and removes dot segments (RFC 3986 §5.2.4) before routing, but never decodes %2F: a topic
    // id can only be one path segment, and a route value holding '%' or '/' is not a topic id.
    private static IEnumerable<HostileCase> Paths =>
    [
        new("path-dotdot-encoded-slash", _ => Wire.Get("/topics/..%2f.."), 400, AnswerBody.Problem),
        new("path-dotdot-encoded", _ => Wire.Get("/topics/%2e%2e"), 200, AnswerBody.Other, Check: Contains("<title>Notify demo</title>")),
        new("path-dotdot-encoded-to-health", _ => Wire.Get("/topics/%2e%2e/health"), 200, AnswerBody.Other, Check: Contains("Healthy")),
        new("path-dotdot-raw-back-to-topic", t => Wire.Post($"/topics/../topics/{t.Topic}", "dot segments removed"), 201, AnswerBody.Json, Stored: "dot segments removed"),
        new("path-double-encoded-dots", _ => Wire.Get("/topics/%252e%252e"), 400, AnswerBody.Problem),
        new("path-double-encoded-slash", _ => Wire.Post("/topics/public.a%252fb", "x"), 400, AnswerBody.Problem),
        new("path-encoded-slash-to-events", t => Wire.Get($"/topics/{t.Topic}%2Fevents"), 400, AnswerBody.Problem),
        new("path-two-segments", _ => Wire.Get("/topics/a/b"), 404, AnswerBody.Problem),
        new("path-empty-topic", _ => Wire.Post("/topics/", "x"), 405, AnswerBody.Problem), // /topics is the stream of several topics: GET only
        new("path-backslash", _ => Wire.Get("/topics/..\\health"), 400, AnswerBody.Problem),
    ];

    // RFC 9110 §15.5.6: a 405 names the allowed methods in Allow (checked for every 405).
    private static IEnumerable<HostileCase> Methods =>
    [
        new("method-put", t => Wire.Post($"/topics/{t.Topic}", "x").Replace("POST", "PUT", StringComparison.Ordinal), 405, AnswerBody.Problem),
        new("method-delete", t => Wire.Request("DELETE", $"/topics/{t.Topic}"), 405, AnswerBody.Problem),
        new("method-patch", t => Wire.Post($"/topics/{t.Topic}", "x").Replace("POST", "PATCH", StringComparison.Ordinal), 405, AnswerBody.Problem),
        new("method-trace", t => Wire.Request("TRACE", $"/topics/{t.Topic}", "X-Echo: secret\r\n"), 405, AnswerBody.Problem),
        new("method-unknown", t => Wire.Request("BREW", $"/topics/{t.Topic}"), 405, AnswerBody.Problem),
        new("method-post-to-events", t => Wire.Post($"/topics/{t.Topic}/events", "x"), 405, AnswerBody.Problem),
    ];

    private static IEnumerable<HostileCase> MediaTypes =>
    [
        new("publish-octet-stream", t => Wire.Post($"/topics/{t.Topic}", "x", "Content-Type: application/octet-stream\r\n"), 415, AnswerBody.Problem),
        new("publish-utf16-charset", t => Wire.Post($"/topics/{t.Topic}", "x", "Content-Type: text/plain; charset=utf-16\r\n"), 415, AnswerBody.Problem),
        new("publish-content-type-garbage", t => Wire.Post($"/topics/{t.Topic}", "x", "Content-Type: ;;;\r\n"), 415, AnswerBody.Problem),
        new("subscribe-accept-json", t => Wire.Get($"/topics/{t.Topic}", "Accept: application/json\r\n"), 406, AnswerBody.Problem),
        new("subscribe-accept-event-stream-q0", t => Wire.Get($"/topics/{t.Topic}", "Accept: text/event-stream;q=0\r\n"), 406, AnswerBody.Problem),
    ];

    private static Action<byte[]> Contains(string text) =>
        received => Assert.Contains(text, System.Text.Encoding.UTF8.GetString(received), StringComparison.Ordinal);
}

using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Notify.Api.Topics;

/// <summary>What the API accepts as a topic id, an event type, an idempotency key and a body's media type.</summary>
public static class TopicRules
{
    /// <summary>Longest topic id.</summary>
    public const int MaxTopicLength = 128;

    /// <summary>Longest event type.</summary>
    public const int MaxTypeLength = 128;

    /// <summary>Longest <c>Idempotency-Key</c>.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    // RFC 3986's unreserved characters: a topic id never needs percent-encoding in a URL.
    private static readonly SearchValues<char> TopicChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <summary>A topic id: 1–128 characters of <c>[A-Za-z0-9._~-]</c>, not <c>.</c> or <c>..</c>.</summary>
    public static string? ValidateTopic(string topic)
    {
        if (topic.Length is 0 or > MaxTopicLength || topic.AsSpan().ContainsAnyExcept(TopicChars))
        {
            return $"A topic id is 1 to {MaxTopicLength} characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.";
        }

        return topic is "." or ".." ? "A topic id cannot be '.' or '..'." : null;
    }

    /// <summary>
    /// Whether <paramref name="topic"/> can name its events on a stream of several topics, where each event's
    /// <c>event:</c> is its topic: not a name the server's own events use (<c>notify.</c>…), and not one EventSource
    /// gives a meaning of its own (<c>message</c>, <c>error</c>, <c>open</c>): a publisher to such a topic could
    /// otherwise forge a reset, or fire the page's error handler. Such a topic is followed on a stream of its own.
    /// </summary>
    public static string? ValidateTopicInSet(string topic) =>
        topic.StartsWith(Sse.ReservedEvents.Prefix, StringComparison.OrdinalIgnoreCase) || topic is "message" or "error" or "open"
            ? $"The topic '{topic}' cannot be followed on a stream of several topics: its name is an event name of the server or of EventSource. Follow it at /topics/{topic}."
            : null;

    /// <summary>An event type: up to 128 characters, no CR, LF or NUL, not starting with <c>notify.</c>.</summary>
    public static string? ValidateType(string type)
    {
        if (type.Length > MaxTypeLength || type.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            return $"An event type is at most {MaxTypeLength} characters and contains no CR, LF or NUL.";
        }

        return type.StartsWith(Sse.ReservedEvents.Prefix, StringComparison.OrdinalIgnoreCase)
            ? $"Event types starting with '{Sse.ReservedEvents.Prefix}' are reserved for the server."
            : null;
    }

    /// <summary>An idempotency key: 1–255 visible ASCII characters.</summary>
    public static string? ValidateIdempotencyKey(string key) =>
        key.Length is 0 or > MaxIdempotencyKeyLength || key.AsSpan().ContainsAnyExceptInRange('!', '~')
            ? $"An Idempotency-Key is 1 to {MaxIdempotencyKeyLength} visible ASCII characters."
            : null;

    /// <summary>
    /// Whether a publish body's media type is text we store as is: none, <c>text/*</c>, JSON, or form-encoded
    /// (what <c>curl --data</c> sends; the body is stored raw, not decoded), in UTF-8.
    /// </summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).Value;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = mediaType.MediaType.Value ?? "";
        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether a subscribe request accepts an event stream: no <c>Accept</c>, or one listing
    /// <c>text/event-stream</c>, <c>text/*</c> or <c>*/*</c>.
    /// </summary>
    public static bool AcceptsEventStream(IList<MediaTypeHeaderValue> accept) =>
        accept.Count == 0 || accept.Any(value =>
            (value.Quality ?? 1) > 0
            && (value.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
                || value.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase)
                || value.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase)));
}

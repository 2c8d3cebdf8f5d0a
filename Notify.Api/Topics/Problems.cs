using Microsoft.AspNetCore.Http.HttpResults;

namespace Notify.Api.Topics;

/// <summary>The RFC 9457 problem answers of the topic endpoints.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult PayloadTooLarge(int maxBytes) =>
        TypedResults.Problem(
            $"An event's data is at most {maxBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Event too large");

    /// <summary>A body Kestrel could not read: malformed framing, too slow, cut short or too large.</summary>
    public static ProblemHttpResult BadBody(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => TypedResults.Problem(
            "The request body arrived too slowly.", statusCode: status, title: "Request timeout"),
        StatusCodes.Status413PayloadTooLarge => TypedResults.Problem(
            "The request body is larger than this server accepts.", statusCode: status, title: "Event too large"),
        _ => TypedResults.Problem(
            "The request body is malformed (e.g. its chunked encoding) or ended before its declared length.",
            statusCode: StatusCodes.Status400BadRequest, title: "Invalid request"),
    };

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            $"'{contentType}' is not accepted: send UTF-8 text (text/*, application/json, application/*+json or application/x-www-form-urlencoded, stored as is).",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type");

    public static ProblemHttpResult NotAcceptable() =>
        TypedResults.Problem(
            "GET /topics/{topic} answers text/event-stream; use GET /topics/{topic}/events for JSON.",
            statusCode: StatusCodes.Status406NotAcceptable,
            title: "Not acceptable");

    public const string PublishUnavailable =
        "The event could not be confirmed as stored. Retry after the delay in Retry-After, with the same Idempotency-Key so that it is stored once.";

    public const string ReadUnavailable = "The topic cannot be reached right now. Retry after the delay in Retry-After.";

    /// <summary><c>503</c> for a limit of this silo (connections, topics): the client or the load balancer tries again, maybe elsewhere.</summary>
    public static ProblemHttpResult SiloFull(HttpContext context, int retryAfterSeconds, string detail)
    {
        Diagnostics.NotifyMetrics.MarkLimited(context);
        return Unavailable(context, retryAfterSeconds, detail);
    }

    public static ProblemHttpResult Unavailable(HttpContext context, int retryAfterSeconds, string detail)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
    }
}

using System.Globalization;
using Notify.Api.Subscriptions;

namespace Notify.Api.Topics;

/// <summary>
/// Where a subscribe request asks its stream to start: after its <c>Last-Event-ID</c> (the header, else the
/// <c>last_event_id</c> or <c>lastEventId</c> query parameter; <c>earliest</c> and <c>latest</c> too), else at
/// <c>?since=</c> (an ISO 8601 instant), else live. The header wins: a browser's automatic reconnect keeps the URL,
/// <c>since</c> included, but sends a fresh <c>Last-Event-ID</c>, and must resume from it.
/// </summary>
internal static class StartPoints
{
    private const string LastEventIdHeader = "Last-Event-ID";
    private const int MaxSinceLength = 64;

    /// <summary>The start the request asks for; null with <paramref name="error"/> set when its <c>since</c> is not an instant.</summary>
    public static StreamStart? Read(HttpRequest request, out string? error)
    {
        error = null;
        if (LastEventId(request) is { } lastEventId)
        {
            return StreamStart.AfterLastEventId(lastEventId);
        }

        string? since = request.Query["since"];
        if (string.IsNullOrEmpty(since))
        {
            return StreamStart.Live;
        }

        if (since.Length <= MaxSinceLength && DateTimeOffset.TryParse(
                since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return StreamStart.PublishedSince(instant, since);
        }

        error = "since is an ISO 8601 instant, e.g. 2026-11-30T10:00:00Z (UTC unless it gives an offset).";
        return null;
    }

    private static string? LastEventId(HttpRequest request)
    {
        string? header = request.Headers[LastEventIdHeader];
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        string? query = request.Query["last_event_id"];
        query = !string.IsNullOrEmpty(query) ? query : request.Query["lastEventId"];
        return string.IsNullOrEmpty(query) ? null : query;
    }
}

using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notify.Api.Hosting;
using Notify.Api.Limits;
using Notify.Api.Security;
using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Topics;

/// <summary><c>/topics</c>: publish, subscribe (SSE) and read a topic's buffer.</summary>
public static partial class TopicsApi
{
    /// <summary>Most events one <c>GET /topics/{topic}/events</c> returns.</summary>
    public const int MaxListLimit = 1_000;

    private const int DefaultListLimit = 100;
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapTopicsApi(this IEndpointRouteBuilder app)
    {
        var topics = app.MapGroup("/topics").WithTags("Topics");
        topics.MapPost("/{topic}", PublishAsync).RequireRateLimiting(ClientLimits.PublishPolicy);
        topics.MapGet("/{topic}", SubscribeAsync).RequireRateLimiting(ClientLimits.ConnectionsPolicy);
        topics.MapGet("/{topic}/events", ListEventsAsync);
        topics.MapSubscriberCounts();
        topics.MapTopicSetStreams();
        return app;
    }

    /// <summary><c>POST /topics/{topic}</c>: the body is the event's data; <c>?type=</c> sets its SSE type.</summary>
    public static async Task<Results<JsonHttpResult<PublishedEvent>, ProblemHttpResult>> PublishAsync(
        string topic, string? type, HttpContext context, [FromServices] TopicServices services)
    {
        string? idempotencyKey = context.Request.Headers[IdempotencyKeyHeader];
        if (ValidatePublish(topic, type, idempotencyKey, context.Request.ContentType) is { } invalid)
        {
            return invalid;
        }

        if ((await services.Access.CheckAsync(context, topic, TopicRight.Publish)).Problem is { } refused)
        {
            return refused;
        }

        var (problem, data) = await ReadEventDataAsync(context, services.PublishOptions.Value.MaxBodyBytes, services.Logger);
        if (problem is not null)
        {
            return problem;
        }

        PublishResult result;
        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(services.PublishOptions.Value.Timeout);
        try
        {
            result = await services.Client.GetTopicGrain(topic)
                .PublishAsync(new PublishRequest(data, string.IsNullOrEmpty(type) ? null : type, idempotencyKey, TraceParentOfRequest()), deadline.Token);
        }
        catch (TopicCapacityException)
        {
            return TopicsFull(context, services);
        }
        catch (Exception exception) when (OrleansFailures.IsUnavailable(exception)
            || (exception is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            LogPublishUnavailable(services.Logger, exception, topic);
            return Problems.Unavailable(context, services.UnavailableOptions.Value.RetryAfterSeconds, Problems.PublishUnavailable);
        }

        services.Metrics.Published(result.Replayed);
        if (result.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }
        else
        {
            // Stored: when this silo's subscribers are behind, the answer waits (bounded) so the publisher slows to them.
            await services.Pacing.WaitAsync(topic, result.Position, sentAt, context.RequestAborted);
        }

        return TypedResults.Json(
            new PublishedEvent(topic, result.Position.ToString()),
            TopicsJsonContext.Default.PublishedEvent,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// <c>GET /topics/{topic}</c>: an SSE stream, starting where <see cref="StartPoints"/> says: after <c>Last-Event-ID</c>,
    /// at <c>?since=</c>, or live.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> SubscribeAsync(
        string topic, HttpContext context, [FromServices] TopicServices services)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if (!TopicRules.AcceptsEventStream(context.Request.GetTypedHeaders().Accept))
        {
            return Problems.NotAcceptable();
        }

        if (StartPoints.Read(context.Request, out var startError) is not { } start)
        {
            return Problems.BadRequest(startError!);
        }

        var access = await services.Access.CheckAsync(context, topic, TopicRight.Subscribe);
        if (access.Problem is { } refused)
        {
            return refused;
        }

        using var place = services.Connections.TryEnter();
        if (place is null)
        {
            return Problems.SiloFull(context, services.Limits.Value.RetryAfterSeconds, "This node holds as many streams as it may; try again, or another node.");
        }

        TopicSubscription subscription;
        try
        {
            subscription = await services.Subscriptions.OpenAsync(topic, start, context.RequestAborted);
        }
        catch (Exception exception) when (exception is TopicLimitReachedException or TopicCapacityException)
        {
            return TopicsFull(context, services);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Whatever failed (the cluster, the store holding stream subscriptions, the silo stopping), the client can
            // only retry. A 200 stream that asks it to come back is the one answer EventSource retries.
            LogSubscribeFailed(services.Logger, exception, topic);
            EventStreamResponse.Start(context);
            await EventStreamResponse.AskToReconnectSoonAsync(context.Response.BodyWriter);
            return TypedResults.Empty;
        }

        // The response starts only now that the subscription point exists: a client that has the headers
        // receives every event published after.
        using (subscription)
        {
            EventStreamResponse.Start(context);
            await subscription.RunAsync(new SubscriberConnection(context.Response.BodyWriter, context.Abort, access.ExpiresAt), context.RequestAborted);
        }

        return TypedResults.Empty;
    }

    /// <summary><c>GET /topics/{topic}/events?after={id}&amp;limit={n}</c>: buffered events as JSON.</summary>
    public static async Task<Results<JsonHttpResult<BufferedEventsPage>, ProblemHttpResult>> ListEventsAsync(
        string topic, string? after, string? limit, HttpContext context, [FromServices] TopicServices services)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if ((await services.Access.CheckAsync(context, topic, TopicRight.Subscribe)).Problem is { } refused)
        {
            return refused;
        }

        var count = DefaultListLimit;
        if (limit is not null && (!int.TryParse(limit, out count) || count is < 1 or > MaxListLimit))
        {
            return Problems.BadRequest($"limit must be an integer from 1 to {MaxListLimit}.");
        }

        var from = string.IsNullOrEmpty(after) ? ResumeFrom.Earliest : ResumeFrom.Parse(after);
        TopicRead read;
        try
        {
            read = await services.Reader.ReadPageAsync(services.Client.GetTopicGrain(topic), from, context.RequestAborted, maxEvents: count);
        }
        catch (TopicCapacityException)
        {
            return TopicsFull(context, services);
        }
        catch (Exception exception) when (OrleansFailures.IsUnavailable(exception))
        {
            LogReadUnavailable(services.Logger, exception, topic);
            return Problems.Unavailable(context, services.UnavailableOptions.Value.RetryAfterSeconds, Problems.ReadUnavailable);
        }

        var reset = read.Reset is { } reason
            ? new ResetInfo(reason.ToWireName(), after, read.ContinuesAfter.ToString())
            : null;
        var events = read.Events
            .Select(e => new BufferedEvent(e.Id, e.Type, Encoding.UTF8.GetString(e.Data), e.PublishedAt))
            .ToList();
        return TypedResults.Json(
            new BufferedEventsPage(topic, reset, events, read.End.ToString(), read.Head.ToString(), read.HasMore),
            TopicsJsonContext.Default.BufferedEventsPage);
    }

    /// <summary>
    /// The request's <c>traceparent</c> while it is traced, for the grain's span of the publish (<see cref="PublishRequest.TraceParent"/>).
    /// No activity exists when no tracer listens, so an untraced silo sends nothing.
    /// </summary>
    private static string? TraceParentOfRequest() =>
        System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } request ? request.Id : null;

    private static ProblemHttpResult TopicsFull(HttpContext context, TopicServices services) =>
        Problems.SiloFull(context, services.Limits.Value.RetryAfterSeconds, "This node holds as many topics as it may; try again, maybe on another node.");

    /// <summary>Checks what a publish names before its body is read: the topic, the type, the idempotency key, the media type.</summary>
    private static ProblemHttpResult? ValidatePublish(string topic, string? type, string? idempotencyKey, string? contentType)
    {
        var error = TopicRules.ValidateTopic(topic)
            ?? (string.IsNullOrEmpty(type) ? null : TopicRules.ValidateType(type))
            ?? (idempotencyKey is null ? null : TopicRules.ValidateIdempotencyKey(idempotencyKey));
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        return TopicRules.IsAcceptedContentType(contentType) ? null : Problems.UnsupportedMediaType(contentType);
    }

    /// <summary>The event's data: the whole body, UTF-8, not empty and within the limit; otherwise the problem to answer.</summary>
    private static async Task<(ProblemHttpResult? Problem, byte[] Data)> ReadEventDataAsync(HttpContext context, int maxBytes, ILogger logger)
    {
        PublishBodyReader.Outcome outcome;
        byte[] data;
        try
        {
            // Not cancelled by RequestAborted: Kestrel ends a body read itself when the connection goes, and a read
            // cancelled by a token can leave its connection's reader "reading" (dotnet/aspnetcore#17840), so the
            // connection's next read fails and Kestrel logs that the connection "ended abnormally" (a warning).
            (outcome, data) = await PublishBodyReader.ReadAsync(context.Request, maxBytes, CancellationToken.None);
        }
        catch (BadHttpRequestException badBody)
        {
            // The client's fault (a malformed chunk, a body too slow or cut short): one line at Debug, never an error.
            LogBadBody(logger, badBody.StatusCode, badBody.Message);
            return (Problems.BadBody(badBody.StatusCode), []);
        }
        catch (IOException unreadable)
        {
            // Kestrel reports some malformed bodies as a plain IOException (a chunk size that overflows: "Bad chunk
            // size data"), or the client dropped the connection: the client's fault as well, not a 500 and an error log.
            // Kestrel keeps such a connection open with its body read still pending, and its next request would end it
            // abnormally: where the body ended is unknown, so the connection ends with this answer.
            LogBadBody(logger, StatusCodes.Status400BadRequest, unreadable.Message);
            context.Response.Headers.Connection = "close";
            return (Problems.BadBody(StatusCodes.Status400BadRequest), []);
        }

        return outcome switch
        {
            PublishBodyReader.Outcome.TooLarge => (Problems.PayloadTooLarge(maxBytes), data),
            PublishBodyReader.Outcome.NotUtf8 => (Problems.BadRequest("The body must be UTF-8 text."), data),
            _ when data.Length == 0 => (Problems.BadRequest("The body is the event's data and cannot be empty (EventSource ignores events with no data)."), data),
            _ => (null, data),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A publish body could not be read ({Status}): {Reason}")]
    private static partial void LogBadBody(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish to {Topic} failed: the topic grain is unavailable")]
    private static partial void LogPublishUnavailable(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading topic {Topic} failed: the topic grain is unavailable")]
    private static partial void LogReadUnavailable(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Topic} failed: the topic cannot be served now; the client will reconnect")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string topic);
}

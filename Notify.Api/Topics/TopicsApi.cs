using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Topics;

/// <summary><c>/topics</c>: publish, subscribe (SSE) and read a topic's buffer.</summary>
public static partial class TopicsApi
{
    /// <summary>Most events one <c>GET /topics/{topic}/events</c> returns.</summary>
    public const int MaxListLimit = 1_000;

    private const int DefaultListLimit = 100;
    private const string LastEventIdHeader = "Last-Event-ID";
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapTopicsApi(this IEndpointRouteBuilder app)
    {
        var topics = app.MapGroup("/topics").WithTags("Topics");
        topics.MapPost("/{topic}", PublishAsync);
        topics.MapGet("/{topic}", SubscribeAsync);
        topics.MapGet("/{topic}/events", ListEventsAsync);
        return app;
    }

    /// <summary><c>POST /topics/{topic}</c>: the body is the event's data; <c>?type=</c> sets its SSE type.</summary>
    public static async Task<Results<JsonHttpResult<PublishedEvent>, ProblemHttpResult>> PublishAsync(
        string topic, string? type, HttpContext context, [AsParameters] TopicServices services)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if (!string.IsNullOrEmpty(type) && TopicRules.ValidateType(type) is { } typeError)
        {
            return Problems.BadRequest(typeError);
        }

        string? idempotencyKey = context.Request.Headers[IdempotencyKeyHeader];
        if (idempotencyKey is not null && TopicRules.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest(keyError);
        }

        if (!TopicRules.IsAcceptedContentType(context.Request.ContentType))
        {
            return Problems.UnsupportedMediaType(context.Request.ContentType);
        }

        var publish = services.PublishOptions.Value;
        var (outcome, data) = await PublishBodyReader.ReadAsync(context.Request, publish.MaxBodyBytes, context.RequestAborted);
        switch (outcome)
        {
            case PublishBodyReader.Outcome.TooLarge:
                return Problems.PayloadTooLarge(publish.MaxBodyBytes);
            case PublishBodyReader.Outcome.NotUtf8:
                return Problems.BadRequest("The body must be UTF-8 text.");
        }

        if (data.Length == 0)
        {
            return Problems.BadRequest("The body is the event's data and cannot be empty (EventSource ignores events with no data).");
        }

        PublishResult result;
        try
        {
            result = await services.Client.GetGrain<ITopicGrain>(topic)
                .PublishAsync(new PublishRequest(data, string.IsNullOrEmpty(type) ? null : type, idempotencyKey));
        }
        catch (Exception exception) when (OrleansFailures.IsUnavailable(exception))
        {
            LogPublishUnavailable(services.Logger, exception, topic);
            return Problems.Unavailable(context, publish.RetryAfterSeconds, Problems.PublishUnavailable);
        }

        services.Metrics.Published(result.Replayed);
        if (result.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }

        return TypedResults.Json(
            new PublishedEvent(topic, result.Position.ToString()),
            TopicsJsonContext.Default.PublishedEvent,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// <c>GET /topics/{topic}</c>: an SSE stream. Resumes after <c>Last-Event-ID</c> (header, else the
    /// <c>last_event_id</c> or <c>lastEventId</c> query parameter); without one, live events only.
    /// </summary>
    public static async Task<IResult> SubscribeAsync(string topic, HttpContext context, [AsParameters] TopicServices services)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if (!TopicRules.AcceptsEventStream(context.Request.GetTypedHeaders().Accept))
        {
            return Problems.NotAcceptable();
        }

        var lastEventId = LastEventId(context.Request);
        var resumeFrom = ResumeFrom.Parse(lastEventId);
        var grain = services.Client.GetGrain<ITopicGrain>(topic);
        var connection = new SseConnection(topic, grain, context.Response.BodyWriter, services.SseOptions.Value, services.Logger, services.Metrics);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, services.Lifetime.ApplicationStopping);

        // The response starts once the subscription point exists (attached, then the first read), so a client
        // that has the headers receives every event published after. If that fails, the answer is still a
        // 200 event stream that ends at once: EventSource gives up on any other answer, but reconnects this one.
        IDisposable attachment;
        TopicRead first;
        try
        {
            attachment = await services.Fanouts.AttachAsync(connection, stopping.Token);
            try
            {
                first = await connection.ReadFirstAsync(resumeFrom, stopping.Token);
            }
            catch
            {
                attachment.Dispose();
                throw;
            }
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Whatever failed (the cluster, the store holding stream subscriptions, the silo stopping), the client
            // can only retry, and a retry-only stream is the one answer EventSource retries.
            LogStreamAborted(services.Logger, exception, topic, resumeFrom.Kind.ToString());
            StartEventStream(context);
            await connection.EndSoonAsync(ReconnectSoon());
            return Results.Empty;
        }

        using (attachment)
        {
            StartEventStream(context);
            services.Metrics.ConnectionOpened();
            try
            {
                await connection.RunAsync(first, lastEventId, stopping.Token);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client left.
            }
            catch (Exception) when (services.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The silo is stopping: the client reconnects at once, through the load balancer, to another silo.
                await connection.EndSoonAsync(ReconnectSoon());
            }
            catch (Exception exception) when (OrleansFailures.IsUnavailable(exception))
            {
                // The cluster cannot serve the topic now (e.g. its grain's silo just died): come back shortly.
                LogStreamAborted(services.Logger, exception, topic, connection.Cursor.ToString());
                await connection.EndSoonAsync(ReconnectSoon());
            }
            finally
            {
                services.Metrics.ConnectionClosed();
            }
        }

        return Results.Empty;
    }

    /// <summary><c>GET /topics/{topic}/events?after={id}&amp;limit={n}</c>: buffered events as JSON.</summary>
    public static async Task<Results<JsonHttpResult<BufferedEventsPage>, ProblemHttpResult>> ListEventsAsync(
        string topic, string? after, string? limit, HttpContext context, [AsParameters] TopicServices services)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
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
            read = await services.Client.GetGrain<ITopicGrain>(topic).ReadAsync(from, count, services.SseOptions.Value.ReplayPageBytes, context.RequestAborted);
        }
        catch (Exception exception) when (OrleansFailures.IsUnavailable(exception))
        {
            LogReadUnavailable(services.Logger, exception, topic);
            return Problems.Unavailable(context, services.PublishOptions.Value.RetryAfterSeconds, Problems.ReadUnavailable);
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

    /// <summary>Spread over a second, so the clients of a stopping silo do not all come back at the same instant.</summary>
    private static TimeSpan ReconnectSoon() => TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1_000));

    /// <summary>The header wins: a browser's automatic reconnect keeps the URL but sends a fresh header.</summary>
    private static string? LastEventId(HttpRequest request)
    {
        string? header = request.Headers[LastEventIdHeader];
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        string? query = request.Query["last_event_id"];
        return !string.IsNullOrEmpty(query) ? query : request.Query["lastEventId"];
    }

    private static void StartEventStream(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish to {Topic} failed: the topic grain is unavailable")]
    private static partial void LogPublishUnavailable(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading topic {Topic} failed: the topic grain is unavailable")]
    private static partial void LogReadUnavailable(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending the stream of topic {Topic} at {Position}: the topic cannot be served now; the client will reconnect")]
    private static partial void LogStreamAborted(ILogger logger, Exception exception, string topic, string position);
}

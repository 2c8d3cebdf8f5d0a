using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notify.Api.Limits;
using Notify.Api.Security;
using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Topics;

namespace Notify.Api.Topics;

/// <summary>
/// <c>GET /topics?topic=a&amp;topic=b</c>: one event stream for several topics (a browser allows six HTTP/1.1
/// connections per origin; a page may follow more topics than that). See <see cref="MultiTopicStream"/>.
/// </summary>
public static partial class TopicSetStreamsApi
{
    public static RouteGroupBuilder MapTopicSetStreams(this RouteGroupBuilder topics)
    {
        topics.MapGet("", SubscribeAsync).RequireRateLimiting(ClientLimits.ConnectionsPolicy);
        return topics;
    }

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> SubscribeAsync(HttpContext context, [FromServices] TopicServices services)
    {
        if (Validate(context, services.Sse.Value.MaxTopicsPerStream, out var topics) is { } invalid)
        {
            return invalid;
        }

        if (StartPoints.Read(context.Request, out var startError) is not { } start)
        {
            return Problems.BadRequest(startError!);
        }

        var (refused, expiresAt) = await CheckAccessAsync(context, topics, services.Access);
        if (refused is not null)
        {
            return refused;
        }

        using var place = services.Connections.TryEnter();
        if (place is null)
        {
            return Problems.SiloFull(context, services.Limits.Value.RetryAfterSeconds, "This node holds as many streams as it may; try again, or another node.");
        }

        var ids = new MultiTopicPositions(topics);
        var lanes = new List<TopicSubscription>(topics.Count);
        try
        {
            var starts = await MultiTopicStarts.ResolveAsync(start, ids, services.Client, context.RequestAborted);
            foreach (var (topic, topicStart) in topics.Zip(starts))
            {
                lanes.Add(await services.Subscriptions.OpenAsync(topic, topicStart, context.RequestAborted));
            }

            EventStreamResponse.Start(context);
            using var stream = new MultiTopicStream(lanes, ids, new SubscriberConnection(context.Response.BodyWriter, context.Abort, expiresAt), services.Sse.Value);
            await stream.RunAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is TopicLimitReachedException or TopicCapacityException)
        {
            return Problems.SiloFull(context, services.Limits.Value.RetryAfterSeconds, "This node holds as many topics as it may; try again, maybe on another node.");
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            LogSubscribeFailed(services.Logger, exception, topics.Count);
            EventStreamResponse.Start(context);
            await EventStreamResponse.AskToReconnectSoonAsync(context.Response.BodyWriter);
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Dispose();
            }
        }

        return TypedResults.Empty;
    }

    /// <summary>Every topic must allow the stream; it ends when the first of the token's rights does (one token: its expiry).</summary>
    private static async Task<(ProblemHttpResult? Refused, DateTimeOffset? ExpiresAt)> CheckAccessAsync(HttpContext context, List<string> topics, TopicAccess access)
    {
        DateTimeOffset? expiresAt = null;
        foreach (var topic in topics)
        {
            var result = await access.CheckAsync(context, topic, TopicRight.Subscribe);
            if (result.Problem is { } refused)
            {
                return (refused, null);
            }

            expiresAt = result.ExpiresAt is { } at && (expiresAt is null || at < expiresAt) ? at : expiresAt;
        }

        return (null, expiresAt);
    }

    /// <summary>The topics asked for: 1 to the limit, each a valid id that can name events, none twice; and a stream must be acceptable.</summary>
    private static ProblemHttpResult? Validate(HttpContext context, int maxTopics, out List<string> topics)
    {
        topics = [.. context.Request.Query["topic"].Select(topic => topic ?? "")];
        if (topics.Count is 0 || topics.Count > maxTopics)
        {
            return Problems.BadRequest($"Name 1 to {maxTopics} topics, each as a topic query parameter: /topics?topic=a&topic=b.");
        }

        if (topics.Select(topic => TopicRules.ValidateTopic(topic) ?? TopicRules.ValidateTopicInSet(topic)).FirstOrDefault(error => error is not null) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if (topics.Distinct(StringComparer.Ordinal).Count() != topics.Count)
        {
            return Problems.BadRequest("Each topic may be named once.");
        }

        return TopicRules.AcceptsEventStream(context.Request.GetTypedHeaders().Accept) ? null : Problems.NotAcceptable();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Count} topics failed: one cannot be served now; the client will reconnect")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, int count);
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Notify.Api.Presence;
using Notify.Api.Security;

namespace Notify.Api.Topics;

/// <summary><c>GET /topics/{topic}/subscribers</c>: how many are watching a topic, across the cluster and per silo.</summary>
public static partial class SubscriberCountsApi
{
    public static RouteGroupBuilder MapSubscriberCounts(this RouteGroupBuilder topics)
    {
        topics.MapGet("/{topic}/subscribers", ReadAsync);
        return topics;
    }

    /// <summary>The topic's open SSE connections, as the silos last wrote them (at most a report interval old).</summary>
    public static async Task<Results<JsonHttpResult<TopicSubscribers>, ProblemHttpResult>> ReadAsync(
        string topic, HttpContext context, TopicAccess access, SubscriberCounts counts, IOptions<UnavailableOptions> unavailable, ILogger<TopicSubscribers> logger)
    {
        if (TopicRules.ValidateTopic(topic) is { } topicError)
        {
            return Problems.BadRequest(topicError);
        }

        if ((await access.CheckAsync(context, topic, TopicRight.Subscribe)).Problem is { } refused)
        {
            return refused;
        }

        IReadOnlyList<SiloSubscribers> silos;
        try
        {
            silos = await counts.ReadAsync(topic, context.RequestAborted);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogReadFailed(logger, exception, topic);
            return Problems.Unavailable(context, unavailable.Value.RetryAfterSeconds, "The subscriber counts cannot be read right now. Retry after the delay in Retry-After.");
        }

        return TypedResults.Json(new TopicSubscribers(topic, silos.Sum(s => s.Connections), silos), TopicsJsonContext.Default.TopicSubscribers);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the subscriber counts of {Topic} failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string topic);
}

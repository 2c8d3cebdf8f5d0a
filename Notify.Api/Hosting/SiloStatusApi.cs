using System.Text.Json.Serialization;
using Notify.Api.Security;
using Notify.Api.Subscriptions;
using Notify.Grains.Streaming;
using Orleans.Runtime;

namespace Notify.Api.Hosting;

/// <summary>
/// <c>GET /silo</c>: which silo answered, the SSE connections it holds per topic, the topic grains it hosts, and the
/// stream queues it reads and holds the grains of (for operators and failover tests). With tokens checked, it takes one that may subscribe to every topic.
/// </summary>
public static class SiloStatusApi
{
    /// <summary>Most topic ids listed; the count is always complete.</summary>
    private const int MaxListedTopicGrains = 100;

    public static IEndpointRouteBuilder MapSiloStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/silo", async (ILocalSiloDetails silo, SubscriptionRegistry subscriptions, IGrainFactory grains, LocalStreamQueues queues) =>
        {
            var connections = subscriptions.Fanouts.ToDictionary(f => f.Topic, f => f.SubscriptionCount, StringComparer.Ordinal);
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo.SiloAddress]);
            var hosted = HostedTopics(statistics);
            return TypedResults.Json(
                new SiloStatusReport(
                    silo.SiloAddress.ToString(), silo.Name, Environment.ProcessId, connections.Values.Sum(), connections,
                    hosted.Count, [.. hosted.Take(MaxListedTopicGrains)], queues.Numbers, HostedQueueGrains(statistics)),
                SiloStatusJsonContext.Default.SiloStatusReport);
        })
        .AddEndpointFilter(async (context, next) =>
            // It lists topics: for operators (a token that may subscribe to every topic) when tokens are checked.
            (await context.HttpContext.RequestServices.GetRequiredService<TopicAccess>().CheckOperatorAsync(context.HttpContext)).Problem
                ?? await next(context))
        .WithTags("Silo");
        return app;
    }

    /// <summary>The topics whose grain is active on this silo.</summary>
    private static List<string> HostedTopics(DetailedGrainStatistic[] statistics)
    {
        var topicGrain = GrainType.Create("topic");
        return [.. statistics.Where(s => s.GrainId.Type == topicGrain).Select(s => s.GrainId.Key.ToString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The stream queues whose grains (memory queue, doorbell) are active on this silo, one entry per grain.</summary>
    private static List<int> HostedQueueGrains(DetailedGrainStatistic[] statistics)
    {
        var numbers = new List<int>();
        foreach (var statistic in statistics)
        {
            if (StreamQueueGrainIds.TryGetQueueNumber(statistic.GrainId, NotifyProviderNames.Streams, out var queue))
            {
                numbers.Add(queue);
            }
        }

        numbers.Sort();
        return numbers;
    }
}

/// <summary>What <c>GET /silo</c> answers.</summary>
/// <param name="Address">The silo's Orleans address.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="ProcessId">The id of the silo's process.</param>
/// <param name="Connections">Open SSE connections on this silo.</param>
/// <param name="Topics">Open SSE connections per topic.</param>
/// <param name="TopicGrains">How many topic grains are active on this silo.</param>
/// <param name="TopicGrainIds">The topics whose grain is active on this silo (at most 100).</param>
/// <param name="StreamQueues">The numbers of the stream queues this silo reads.</param>
/// <param name="StreamQueueGrains">The queue numbers of the stream queue grains (memory queue, doorbell) active on this silo.</param>
public sealed record SiloStatusReport(
    string Address, string Name, int ProcessId, int Connections, IReadOnlyDictionary<string, int> Topics, int TopicGrains, IReadOnlyList<string> TopicGrainIds,
    IReadOnlyList<int> StreamQueues, IReadOnlyList<int> StreamQueueGrains);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SiloStatusReport))]
internal sealed partial class SiloStatusJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using Notify.Api.Security;
using Notify.Api.Subscriptions;
using Orleans.Runtime;

namespace Notify.Api.Hosting;

/// <summary>
/// <c>GET /silo</c>: which silo answered, the SSE connections it holds per topic, and the topic grains it hosts
/// (for operators and failover tests). With tokens checked, it takes one that may subscribe to every topic.
/// </summary>
public static class SiloStatusApi
{
    /// <summary>Most topic ids listed; the count is always complete.</summary>
    private const int MaxListedTopicGrains = 100;

    public static IEndpointRouteBuilder MapSiloStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/silo", async (ILocalSiloDetails silo, SubscriptionRegistry subscriptions, IGrainFactory grains) =>
        {
            var connections = subscriptions.Fanouts.ToDictionary(f => f.Topic, f => f.SubscriptionCount, StringComparer.Ordinal);
            var hosted = await HostedTopicsAsync(grains, silo.SiloAddress);
            return TypedResults.Json(
                new SiloStatusReport(
                    silo.SiloAddress.ToString(), silo.Name, Environment.ProcessId, connections.Values.Sum(), connections,
                    hosted.Count, [.. hosted.Take(MaxListedTopicGrains)]),
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
    private static async Task<List<string>> HostedTopicsAsync(IGrainFactory grains, SiloAddress silo)
    {
        var topicGrain = GrainType.Create("topic");
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo]);
        return [.. statistics.Where(s => s.GrainId.Type == topicGrain).Select(s => s.GrainId.Key.ToString()!).Order(StringComparer.Ordinal)];
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
public sealed record SiloStatusReport(
    string Address, string Name, int ProcessId, int Connections, IReadOnlyDictionary<string, int> Topics, int TopicGrains, IReadOnlyList<string> TopicGrainIds);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SiloStatusReport))]
internal sealed partial class SiloStatusJsonContext : JsonSerializerContext;

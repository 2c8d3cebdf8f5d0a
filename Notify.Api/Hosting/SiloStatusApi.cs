using System.Text.Json.Serialization;
using Notify.Api.Subscriptions;
using Orleans.Runtime;

namespace Notify.Api.Hosting;

/// <summary><c>GET /silo</c>: which silo answered, and the SSE connections it holds per topic (for operators and failover tests).</summary>
public static class SiloStatusApi
{
    public static IEndpointRouteBuilder MapSiloStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/silo", (ILocalSiloDetails silo, SubscriptionRegistry subscriptions) =>
        {
            var topics = subscriptions.Fanouts.ToDictionary(f => f.Topic, f => f.Subscriptions.Count, StringComparer.Ordinal);
            return TypedResults.Json(
                new SiloStatusReport(silo.SiloAddress.ToString(), silo.Name, topics.Values.Sum(), topics),
                SiloStatusJsonContext.Default.SiloStatusReport);
        }).WithTags("Silo");
        return app;
    }
}

/// <summary>What <c>GET /silo</c> answers.</summary>
/// <param name="Address">The silo's Orleans address.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Connections">Open SSE connections on this silo.</param>
/// <param name="Topics">Open SSE connections per topic.</param>
public sealed record SiloStatusReport(string Address, string Name, int Connections, IReadOnlyDictionary<string, int> Topics);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SiloStatusReport))]
internal sealed partial class SiloStatusJsonContext : JsonSerializerContext;

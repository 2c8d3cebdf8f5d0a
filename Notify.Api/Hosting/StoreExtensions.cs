using Notify.Api.Presence;
using Notify.Grains.Storage;
using StackExchange.Redis;

namespace Notify.Api.Hosting;

/// <summary>Where topics are kept: a Redis-compatible store named by <c>ConnectionStrings:store</c> (Aspire's convention), or memory.</summary>
public static class StoreExtensions
{
    /// <summary>The connection string name of the store; also the service key Orleans' Redis providers use.</summary>
    public const string ConnectionName = "store";

    /// <summary>
    /// With <c>ConnectionStrings:store</c>: topics are stored in it (<see cref="RedisTopicLog"/>) and a keyed
    /// Redis client is registered for Orleans' Redis clustering and grain storage (<c>ServiceKey=store</c>).
    /// Without it, topics live in their grains' memory (<see cref="MemoryTopicLog"/>). The one place the topic log, and the
    /// store of subscriber counts, are chosen.
    /// </summary>
    public static WebApplicationBuilder AddNotifyStore(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            builder.Services.AddSingleton<ITopicLog, MemoryTopicLog>();
            builder.Services.AddSingleton<ISubscriberCountStore, MemorySubscriberCountStore>();
            return builder;
        }

        builder.AddKeyedRedisClient(
            ConnectionName,
            settings =>
            {
                // A store outage must not mark the silo unhealthy: subscribers are still served from memory
                // and the load balancer must keep routing to the silo. Publishes answer 503 meanwhile.
                settings.DisableHealthChecks = true;
            },
            options =>
            {
                options.AbortOnConnectFail = false; // keep reconnecting in the background
                options.ConnectTimeout = 2_000;
                options.AsyncTimeout = 2_000;       // a publish fails within about 2 s when the store is gone
                options.SyncTimeout = 2_000;
            });
        builder.Services.AddSingleton<ITopicLog>(services =>
            ActivatorUtilities.CreateInstance<RedisTopicLog>(services, services.GetRequiredKeyedService<IConnectionMultiplexer>(ConnectionName)));
        builder.Services.AddSingleton<ISubscriberCountStore>(services =>
            new RedisSubscriberCountStore(services.GetRequiredKeyedService<IConnectionMultiplexer>(ConnectionName)));
        return builder;
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Notify.Api.Limits;

/// <summary>Per-client limits with ASP.NET Core's rate limiter: a publish rate, and a number of open SSE connections.</summary>
public static class ClientLimits
{
    /// <summary>The policy on publishes: a token bucket per client.</summary>
    public const string PublishPolicy = "notify-publish";

    /// <summary>The policy on SSE subscriptions: a number of concurrent connections per client.</summary>
    public const string ConnectionsPolicy = "notify-connections";

    /// <summary>How often the publish bucket is refilled: often, so a client at its rate is never refused in bursts.</summary>
    private static readonly TimeSpan RefillPeriod = TimeSpan.FromMilliseconds(100);

    public static IServiceCollection AddNotifyLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SiloConnections>();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(PublishPolicy, context =>
            {
                var limits = Limits(context);
                return RateLimitPartition.GetTokenBucketLimiter(ClientKey.Of(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.PublishBurstPerClient,
                    TokensPerPeriod = Math.Max(1, limits.PublishesPerSecondPerClient / 10),
                    ReplenishmentPeriod = RefillPeriod,
                    QueueLimit = 0,
                });
            });
            limiter.AddPolicy(ConnectionsPolicy, context => RateLimitPartition.GetConcurrencyLimiter(
                ClientKey.Of(context),
                _ => new ConcurrencyLimiterOptions { PermitLimit = Limits(context).MaxConnectionsPerClient, QueueLimit = 0 }));
        });
        return services;
    }

    private static LimitOptions Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;

    /// <summary><c>429</c> with <c>Retry-After</c> (the bucket's own estimate for publishes) and problem details.</summary>
    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : Limits(context).RetryAfterSeconds;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = context.Request.Method == HttpMethods.Post ? "publishes" : "open connections";
        await Results.Problem(
            $"Too many {what} from this client. Retry after the delay in Retry-After.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests").ExecuteAsync(context);
    }
}

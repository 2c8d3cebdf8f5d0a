using Microsoft.Extensions.Options;
using Notify.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="NotifyClient"/> with the HttpClient factory.</summary>
public static class NotifyClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NotifyClient"/> as a typed HttpClient client configured by <paramref name="configure"/>.
    /// The returned builder adds handlers or configures the primary handler, as for any typed client. Do not add a
    /// retry or resilience handler: the client retries what is safe itself (a second layer would repeat its retries, and
    /// a total-request timeout would cut its streams).
    /// </summary>
    public static IHttpClientBuilder AddNotifyClient(this IServiceCollection services, Action<NotifyClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddNotifyClient((options, _) => configure(options));
    }

    /// <summary>
    /// Registers <see cref="NotifyClient"/>, with options configured from the service provider (e.g. a token provider
    /// that is one of your services).
    /// </summary>
    public static IHttpClientBuilder AddNotifyClient(this IServiceCollection services, Action<NotifyClientOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NotifyClientOptions>().Configure<IServiceProvider>(configure);
        // A subscription lives as long as its service, so a NotifyClient is often held by a singleton (a hosted
        // service) and its handler is never rotated: connections are renewed by their own lifetime instead, which
        // picks up DNS changes without cutting open streams.
        return services.AddHttpClient<NotifyClient>((provider, http) =>
                http.BaseAddress = provider.GetRequiredService<IOptions<NotifyClientOptions>>().Value.BaseAddress)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }
}

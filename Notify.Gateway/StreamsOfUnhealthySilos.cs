using System.Collections.Concurrent;
using Yarp.ReverseProxy.Model;

namespace Notify.Gateway;

/// <summary>
/// Ends the event streams the gateway proxies from a silo its health checks have given up on. A frozen or cut-off
/// silo sends nothing, not even heartbeats, and its subscribers would wait with it; ended, they reconnect (a browser's
/// EventSource does so by itself) through the gateway to a healthy silo and resume from their last event id.
/// A stream that went to a silo already unhealthy is left alone: the proxy does that only while no silo is healthy (e.g.
/// just after start-up, before the health checks have seen the silos answer), and there is nowhere better to go.
/// </summary>
internal sealed partial class StreamsOfUnhealthySilos(ILogger<StreamsOfUnhealthySilos> logger) : BackgroundService
{
    /// <summary>The routes of the long-lived event streams (<c>GET /topics/{topic}</c>, <c>GET /topics?topic=…</c>), as named in the configuration.</summary>
    public static bool IsStreamRoute(string? routeId) => routeId is "streams" or "topic-set-streams";

    private static readonly TimeSpan CheckPeriod = TimeSpan.FromMilliseconds(500);
    // Per silo, its streams, each with whether the silo was already unhealthy when it started.
    private readonly ConcurrentDictionary<DestinationState, ConcurrentDictionary<HttpContext, bool>> _streams = new();

    /// <summary>Tracks a stream while it is proxied from <paramref name="destination"/>.</summary>
    public async Task ProxyAsync(HttpContext context, DestinationState destination, Func<Task> next)
    {
        var streams = _streams.GetOrAdd(destination, static _ => new());
        streams.TryAdd(context, destination.Health.Active == DestinationHealth.Unhealthy);
        try
        {
            await next();
        }
        finally
        {
            streams.TryRemove(context, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (destination, streams) in _streams)
                {
                    if (destination.Health.Active == DestinationHealth.Unhealthy
                        && streams.Where(stream => !stream.Value).Select(stream => stream.Key).ToList() is { Count: > 0 } ending)
                    {
                        LogEndingStreams(destination.DestinationId, ending.Count);
                        foreach (var context in ending)
                        {
                            context.Abort();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Destination} failed its health checks: ending the {Count} event streams proxied from it, so their clients resume elsewhere")]
    private partial void LogEndingStreams(string destination, int count);
}

/// <summary>Registers and places <see cref="StreamsOfUnhealthySilos"/> in the proxy pipeline.</summary>
internal static class StreamsOfUnhealthySilosExtensions
{
    public static IServiceCollection AddStreamsOfUnhealthySilos(this IServiceCollection services)
    {
        services.AddSingleton<StreamsOfUnhealthySilos>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamsOfUnhealthySilos>());
        return services;
    }

    /// <summary>After load balancing, so the silo a stream goes to is known.</summary>
    public static IReverseProxyApplicationBuilder UseStreamsOfUnhealthySilos(this IReverseProxyApplicationBuilder proxy)
    {
        var streams = proxy.ApplicationServices.GetRequiredService<StreamsOfUnhealthySilos>();
        proxy.Use((context, next) =>
        {
            var proxyFeature = context.GetReverseProxyFeature();
            return StreamsOfUnhealthySilos.IsStreamRoute(proxyFeature.Route.Config.RouteId) && proxyFeature.AvailableDestinations is [var destination]
                ? streams.ProxyAsync(context, destination, next)
                : next();
        });
        return proxy;
    }
}

using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Notify.Gateway;

/// <summary>
/// What a client gets when the gateway could not reach a silo (it just died, and health checks have not
/// taken it out yet). Instead of YARP's bare 502:
/// <list type="bullet">
/// <item>an SSE request gets a <c>200</c> event stream holding only <c>retry:</c>: a browser's EventSource
/// gives up for good on any other answer, but reconnects (with its Last-Event-ID) when a stream ends;</item>
/// <item>anything else gets <c>503</c> problem details with <c>Retry-After</c>, as a silo would answer.</item>
/// </list>
/// A request without a body that is safe to repeat (a read: <c>GET</c>, <c>HEAD</c>, not a stream) is first tried once
/// more on another silo, so a read never fails for a silo that just died.
/// </summary>
public static class ProxyErrorResponses
{
    public static IReverseProxyApplicationBuilder UseRetriableProxyErrors(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            var proxied = context.GetReverseProxyFeature();
            var destinations = proxied.AvailableDestinations; // load balancing narrows it to the one it picks
            await next();
            if (context.GetForwarderErrorFeature() is not null && !context.Response.HasStarted && IsRepeatableRead(context.Request)
                && destinations.Where(d => d != proxied.ProxiedDestination).ToList() is { Count: > 0 } others)
            {
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Response.Clear(); // the failed attempt set 502; the forwarder takes only a fresh response
                proxied.AvailableDestinations = others;
                await next();
            }

            if (context.GetForwarderErrorFeature() is null || context.Response.HasStarted)
            {
                return;
            }

            context.Response.Clear();
            if (AcceptsEventStream(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
                // Spread over a second so the clients of a dead silo do not all come back at once.
                await context.Response.WriteAsync($"retry: {Random.Shared.Next(250, 1_250)}\n\n");
                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await Results.Problem(
                "No silo could take the request right now; nothing was forwarded or its outcome is unknown. Retry (a publish with the same Idempotency-Key is stored once).",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable").ExecuteAsync(context);
        });
        return proxy;
    }

    private static bool IsRepeatableRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !AcceptsEventStream(request);

    private static bool AcceptsEventStream(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.Any(value => value?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
}

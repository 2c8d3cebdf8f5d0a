using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace Notify.Gateway;

/// <summary>
/// Ends an event stream cleanly, rather than resetting the client's connection, when the proxy gives up on it: its silo
/// died mid-stream, or the gateway ends it because its silo turned unhealthy. A proxy aborts a response it cannot
/// finish, since a cut body must not look whole; an event stream has no length to fake, and every event in it is whole,
/// so a clean end is the truth. The client reconnects and resumes from its last id, and a browser logs no network error.
/// </summary>
public static class CleanStreamEnds
{
    public static IApplicationBuilder UseCleanStreamEnds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!StreamsOfUnhealthySilos.IsStreamRoute(context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId)
            || context.Features.Get<IHttpRequestLifetimeFeature>() is not { } connection)
        {
            await next(context);
            return;
        }

        using var stream = new StreamLifetime(connection);
        context.Features.Set<IHttpRequestLifetimeFeature>(stream);
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(connection);
        }
    });

    /// <summary>An abort that stops the proxying (its token fires) and leaves the connection to end the response normally.</summary>
    private sealed class StreamLifetime(IHttpRequestLifetimeFeature connection) : IHttpRequestLifetimeFeature, IDisposable
    {
        private readonly CancellationTokenSource _ended = CancellationTokenSource.CreateLinkedTokenSource(connection.RequestAborted);

        public CancellationToken RequestAborted
        {
            get => _ended.Token;
            set => throw new NotSupportedException("The stream's end is its own.");
        }

        public void Abort() => _ended.Cancel();

        public void Dispose() => _ended.Dispose();
    }
}

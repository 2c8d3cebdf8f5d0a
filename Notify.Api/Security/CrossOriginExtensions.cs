using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Notify.Api.Security;

/// <summary>
/// CORS for pages on other origins, and a refusal for every origin not allowed: with cookies as a token source, a
/// cross-site page must not be able to publish with a visitor's cookie (a browser sends it on a simple POST).
/// </summary>
public static class CrossOriginExtensions
{
    private static readonly string[] RequestHeaders = ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "Cache-Control", "Accept"];
    private static readonly string[] ResponseHeaders = ["Retry-After", "Idempotent-Replayed", "WWW-Authenticate"];

    public static IServiceCollection AddNotifyCors(this IServiceCollection services)
    {
        services.AddOptions<BrowserOriginsOptions>().BindConfiguration(BrowserOriginsOptions.SectionName)
            .Validate(o => o.AllowedOrigins.All(origin => origin == "*" || Uri.TryCreate(origin, UriKind.Absolute, out _)), "Notify:Cors:AllowedOrigins lists origins like https://app.example.com, or *.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<BrowserOriginsOptions>>((cors, origins) => cors.AddDefaultPolicy(policy =>
        {
            var allowed = origins.Value.AllowedOrigins;
            if (allowed.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. allowed]).AllowCredentials();
            }

            policy.WithMethods("GET", "POST").WithHeaders(RequestHeaders).WithExposedHeaders(ResponseHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
        return services;
    }

    /// <summary>Answers CORS preflights, then refuses (<c>403</c>) a request whose <c>Origin</c> is neither this host nor allowed.</summary>
    public static IApplicationBuilder UseNotifyCors(this IApplicationBuilder app)
    {
        app.UseCors();
        // Not async: a stream's request keeps each middleware that awaits it for the stream's life, a passed-through call
        // costs the connection nothing.
        return app.Use((context, next) =>
        {
            string? origin = context.Request.Headers.Origin;
            if (string.IsNullOrEmpty(origin) || IsSameOrigin(context.Request, origin)
                || context.RequestServices.GetRequiredService<IOptions<BrowserOriginsOptions>>().Value.Allows(origin))
            {
                return next(context);
            }

            return Results.Problem(
                "Requests from this page's origin are not allowed; see Notify:Cors:AllowedOrigins.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Origin not allowed").ExecuteAsync(context);
        });
    }

    /// <summary>Whether <paramref name="origin"/> is the origin this request was sent to (a page of this node).</summary>
    internal static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
}

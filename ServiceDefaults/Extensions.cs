using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Notify service shares: OpenTelemetry (logs, metrics, traces; OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks and service discovery. The one place
/// OpenTelemetry is configured.
/// </summary>
/// <remarks>
/// Deliberately adds nothing that bounds a request's duration (no request timeouts, no output
/// caching, no response compression): Notify's SSE responses live for hours.
/// </remarks>
public static class ServiceDefaultsExtensions
{
    /// <summary>Liveness: the process answers. Readiness adds every registered check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness only: checks tagged <c>live</c>.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The meter of Notify's own instruments and the activity source of its spans.</summary>
    public const string NotifyMeterName = "Notify";

    /// <summary>Prometheus text for scrapers that do not speak OTLP.</summary>
    public const string MetricsEndpointPath = "/metrics";

    private const string LiveTag = "live";

    /// <summary>The built-in meters of ASP.NET Core that Notify's services use.</summary>
    private static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>
    /// Whether this process exports traces (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). Without it no trace is recorded
    /// here, and what only serves traces should stay off.
    /// </summary>
    private static bool ExportsTraces(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        // A request's URL may carry an access token in its query (EventSource cannot send headers), so the lines that
        // log whole request URLs stay off whatever level is configured: traces redact query values instead. Off, not
        // merely above Information: while this category is on at any level, ASP.NET Core gives every request an
        // Activity and a log scope for log correlation, which an SSE stream holds for its whole life (0.6 KB per
        // connection, in the silo and again in the gateway) even when no trace is recorded. With tracing on, a
        // request still gets its Activity.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Warning);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                // ASP.NET Core's own meters, listened to directly. AddAspNetCoreInstrumentation() adds the same meters and
                // a middleware (for error.type) whose suspended state every SSE stream kept for its whole life: 128 B per
                // connection in each silo and again in the gateway.
                .AddMeter(AspNetCoreMeters)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", NotifyMeterName)
                .AddPrometheusExporter());

        // Traces are only recorded when there is somewhere to send them: without an exporter, each request
        // (and each SSE stream, for its whole life) would still carry an Activity nobody reads.
        if (builder.Configuration.ExportsTraces())
        {
            openTelemetry
                .WithTracing(tracing => tracing
                    .SetSampler(new BackgroundWorkSampler())
                    // Notify's own spans (a publish in its grain, the store append, fan-outs, replays, repairs). Orleans'
                    // grain-call spans are not recorded: making them puts every grain call through a filter pipeline.
                    .AddSource(NotifyMeterName)
                    .AddAspNetCoreInstrumentation(aspnet =>
                        // Probes would drown the traces that matter.
                        aspnet.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check), <c>/alive</c> (liveness) and <c>/metrics</c> (Prometheus) in every
    /// environment: the load balancer in front of the silos probes them in production too, and scrapers read them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
        });
        app.MapPrometheusScrapingEndpoint(MetricsEndpointPath);
        return app;
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Notify.Api.Limits;

namespace Notify.Api.Security;

/// <summary>Composes who may do what: tokens and topic rights, browser origins, client addresses behind the load balancer, limits.</summary>
public static partial class SecurityExtensions
{
    /// <summary>The HTTP client that fetches a JSON Web Key Set.</summary>
    private const string JwksClient = "notify-jwks";

    public static WebApplicationBuilder AddNotifySecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations()
            .Validate(HasValidSelectors, "Notify:Auth:Anonymous lists topic selectors: an id, a prefix ending in '.*', or '*'.")
            .ValidateOnStart();
        // Without a key no token can validate: no authentication is registered then, or ASP.NET Core would add its
        // middleware by itself, and every stream would hold a handler and an empty result for its life.
        if (builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()?.Enabled == true)
        {
            services.AddHttpClient(JwksClient);
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<IOptions<AuthOptions>, IHttpClientFactory>((jwt, auth, clients) => JwtConfiguration.Apply(jwt, auth.Value, clients.CreateClient(JwksClient)));
        }

        services.AddSingleton<TopicAccess>();
        services.AddNotifyCors();
        services.AddNotifyLimits();

        // The client's address, scheme and host as the load balancer saw them (for per-client limits and same-origin
        // checks). Trusted only from the proxies in KnownProxies/KnownIPNetworks: loopback by default.
        services.Configure<ForwardedHeadersOptions>(forwarded =>
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        return builder;
    }

    /// <summary>The security middleware, in order: the client as the load balancer saw it, origins, the token, limits.</summary>
    public static WebApplication UseNotifySecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseNotifyCors();
        if (app.Services.GetRequiredService<TopicAccess>().IsOpen)
        {
            LogRunningOpen(app.Logger);
        }
        else
        {
            app.UseAuthentication(); // before the limits: a client with a token counts as its subject
        }

        app.UseRateLimiter();

        return app;
    }

    private static bool HasValidSelectors(AuthOptions options)
    {
        try
        {
            TopicRights.FromOptions(options.Anonymous);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NO AUTHENTICATION: Notify:Auth has no SigningKey, PublicKeys or JwksUrl, so anyone who can reach this node may publish to and subscribe to every topic. Configure a key before exposing it (README, Security).")]
    private static partial void LogRunningOpen(ILogger logger);
}

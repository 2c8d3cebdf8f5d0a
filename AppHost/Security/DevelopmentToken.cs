using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notify.AppHost.Security;

/// <summary>
/// A token a newcomer can use right away: minted at start with this run's signing key, for every topic, and printed
/// with ready curl commands and a link to the demo page.
/// </summary>
public static partial class DevelopmentToken
{
    /// <summary>How long the printed token is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private static readonly string[] EveryTopic = ["*"];

    /// <summary>Prints the token once the resources exist (run mode only: a published manifest has no key to sign with).</summary>
    public static IDistributedApplicationBuilder PrintDevelopmentToken(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> signingKey, int gatewayPort)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>(async (created, cancellationToken) =>
        {
            var key = await signingKey.Resource.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The parameter {signingKey.Resource.Name} has no value.");
            var logger = created.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Notify.AppHost");
            var gateway = $"http://localhost:{gatewayPort}";
            var token = Create(key, "developer", Lifetime);
            LogToken(logger, gateway, token);
        });
        return builder;
    }

    /// <summary>
    /// Links the silo's Orleans dashboard from its resource in the Aspire dashboard, with a development token in the
    /// link: the dashboard lists every topic, so it takes a token for every topic.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOrleansDashboardLink(
        this IResourceBuilder<ProjectResource> silo, IResourceBuilder<ParameterResource> signingKey)
    {
        var endpoint = silo.GetEndpoint("http");
        return silo.WithUrls(async context =>
        {
            var key = await signingKey.Resource.GetValueAsync(context.CancellationToken)
                ?? throw new InvalidOperationException($"The parameter {signingKey.Resource.Name} has no value.");
            var token = Create(key, "operator", Lifetime);
            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{endpoint.Url}/dashboard/?access_token={token}", DisplayText = "Orleans dashboard" });
        });
    }

    /// <summary>An HS256 token for <paramref name="subject"/> granting publish and subscribe on every topic.</summary>
    public static string Create(string signingKey, string subject, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object>
            {
                ["notify"] = new Dictionary<string, object> { ["publish"] = EveryTopic, ["subscribe"] = EveryTopic },
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = """
        Notify is at {Gateway}. A development token for every topic, valid 24 h (this run's key, Parameters:notify-signing-key):
          TOKEN={Token}
          curl -N -H "Authorization: Bearer $TOKEN" {Gateway}/topics/orders
          curl -H "Authorization: Bearer $TOKEN" -d 'hello' {Gateway}/topics/orders
          Demo page: {Gateway}/?topic=orders&token={Token} (topics 'demo' and 'demo.*' need no token)
        """)]
    private static partial void LogToken(ILogger logger, string gateway, string token);
}

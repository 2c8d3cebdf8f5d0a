using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Notify.Api.Security;

/// <summary>
/// Decides, on every publish and subscribe, whether the request may act on the topic: its token's rights, or the
/// anonymous rights when it has none. A token that does not validate is refused, never treated as no token.
/// Refusals are RFC 6750's: <c>401</c> without a valid token, <c>403</c> with one that lacks the right.
/// </summary>
public sealed class TopicAccess
{
    private const string Realm = "notify";
    private readonly AuthOptions _auth;
    private readonly TopicRights _anonymous;

    public TopicAccess(IOptions<AuthOptions> options)
    {
        _auth = options.Value;
        _anonymous = TopicRights.FromOptions(_auth.Anonymous);
    }

    /// <summary>True when no key is configured: every request may do anything.</summary>
    public bool IsOpen => !_auth.Enabled;

    /// <summary>Whether the request may use <paramref name="right"/> on <paramref name="topic"/>.</summary>
    public async ValueTask<TopicAccessResult> CheckAsync(HttpContext context, string topic, TopicRight right)
    {
        if (IsOpen)
        {
            return TopicAccessResult.Allowed(expiresAt: null);
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (result.Succeeded)
        {
            var user = result.Principal;
            return TopicRights.FromClaims(user).Allows(right, topic) || _anonymous.Allows(right, topic)
                ? TopicAccessResult.Allowed(EndOf(user))
                : TopicAccessResult.Refused(Forbidden(context, right));
        }

        if (result.Failure is { } failure)
        {
            return TopicAccessResult.Refused(InvalidToken(context, failure));
        }

        return _anonymous.Allows(right, topic)
            ? TopicAccessResult.Allowed(expiresAt: null)
            : TopicAccessResult.Refused(MissingToken(context));
    }

    /// <summary>
    /// Whether the request may see what the whole silo holds (the Orleans dashboard lists every topic): a token that may
    /// subscribe to every topic (<c>*</c>), or anonymous rights that do.
    /// </summary>
    public async ValueTask<TopicAccessResult> CheckOperatorAsync(HttpContext context)
    {
        if (IsOpen || _anonymous.CoversEveryTopic(TopicRight.Subscribe))
        {
            return TopicAccessResult.Allowed(expiresAt: null);
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (result.Succeeded)
        {
            return TopicRights.FromClaims(result.Principal).CoversEveryTopic(TopicRight.Subscribe)
                ? TopicAccessResult.Allowed(EndOf(result.Principal))
                : TopicAccessResult.Refused(Forbidden(context, TopicRight.Subscribe));
        }

        return TopicAccessResult.Refused(result.Failure is { } failure ? InvalidToken(context, failure) : MissingToken(context));
    }

    /// <summary>When what this token allows ends: its <c>exp</c> plus the clock skew a reconnect is also given.</summary>
    private DateTimeOffset? EndOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp) + _auth.ClockSkew
            : null;

    private static ProblemHttpResult MissingToken(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\"";
        return TypedResults.Problem(
            $"This topic needs a token: send it as 'Authorization: Bearer', the '{AccessTokenSources.QueryParameter}' query parameter or the token cookie.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");
    }

    private static ProblemHttpResult InvalidToken(HttpContext context, Exception failure)
    {
        // Said in our words: the validator's message may quote parts of the token.
        var description = failure is SecurityTokenExpiredException
            ? "The token has expired."
            : "The token is not valid (signature, issuer, audience, lifetime or format).";
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{description}\"";
        return TypedResults.Problem(
            description + " Get a fresh token and try again; a stream resumes from its last event id.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");
    }

    private static ProblemHttpResult Forbidden(HttpContext context, TopicRight right)
    {
        var name = right == TopicRight.Publish ? "publish" : "subscribe";
        var description = $"The token does not grant {name} on this topic.";
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"insufficient_scope\", error_description=\"{description}\"";
        return TypedResults.Problem(
            $"{description} Rights are granted in the token's '{TopicRights.ClaimType}' claim.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden");
    }
}

/// <summary>The outcome of <see cref="TopicAccess.CheckAsync"/>.</summary>
/// <param name="Problem">The refusal to answer; null when allowed.</param>
/// <param name="ExpiresAt">When an allowed request's token stops allowing it (a stream ends then); null when never.</param>
public readonly record struct TopicAccessResult(ProblemHttpResult? Problem, DateTimeOffset? ExpiresAt)
{
    public static TopicAccessResult Allowed(DateTimeOffset? expiresAt) => new(null, expiresAt);

    public static TopicAccessResult Refused(ProblemHttpResult problem) => new(problem, null);
}

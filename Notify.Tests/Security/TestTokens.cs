using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notify.Tests.Security;

/// <summary>Mints the JWTs the tests present, as an app's token service would: HS256 with the test key.</summary>
public static class TestTokens
{
    /// <summary>The HS256 key the secured test apps are configured with.</summary>
    public const string SigningKey = "notify-tests-signing-key-0123456789-abcdefghij";

    private static readonly string[] EveryTopic = ["*"];

    /// <summary>A token for <paramref name="subject"/> granting publish and subscribe on the given selectors.</summary>
    public static string For(
        string subject,
        string[]? publish = null,
        string[]? subscribe = null,
        DateTime? expires = null,
        string key = SigningKey)
    {
        var rights = new Dictionary<string, object>();
        if (publish is not null)
        {
            rights["publish"] = publish;
        }

        if (subscribe is not null)
        {
            rights["subscribe"] = subscribe;
        }

        var expiresAt = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object> { ["notify"] = rights },
            NotBefore = expiresAt.AddHours(-2),
            IssuedAt = expiresAt.AddHours(-2),
            Expires = expiresAt,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token with every right and no <c>exp</c> claim: one that would never expire.</summary>
    public static string WithoutExpiry(string subject = "forever") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object> { ["notify"] = new Dictionary<string, object> { ["publish"] = EveryTopic, ["subscribe"] = EveryTopic } },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>A token that expired a minute ago, with every right.</summary>
    public static string Expired(string subject = "expired") =>
        For(subject, ["*"], ["*"], DateTime.UtcNow.AddMinutes(-1));
}

using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notify.Tests.Security;

/// <summary>Tokens for <see cref="HostileApp"/>: valid HS256 ones, and the forged or broken ones an attacker sends.</summary>
internal static class HostileTokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>A valid HS256 token for <paramref name="subject"/> granting <paramref name="rights"/> (the <c>notify</c> claim).</summary>
    public static string Valid(object rights, string subject = "hostile-suite", string key = HostileApp.SigningKey, TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([
                new Claim("sub", subject),
                new Claim("notify", rights as string ?? JsonSerializer.Serialize(rights), rights is string ? ClaimValueTypes.String : JsonClaimValueTypes.Json),
            ]),
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token whose header says <c>alg: none</c> and which has no signature, granting every right.</summary>
    public static string AlgNone() =>
        $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode(AllRightsPayload())}.";

    /// <summary>A token correctly signed with the app's key whose header carries <paramref name="padding"/> characters in <c>kid</c>.</summary>
    public static string WithLargeHeader(int padding)
    {
        var unsigned = $"{Encode($$"""{"alg":"HS256","typ":"JWT","kid":"{{new string('k', padding)}}"}""")}.{Encode(AllRightsPayload())}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(HostileApp.SigningKey), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>A valid token with one character of its signature changed.</summary>
    public static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

    private static string AllRightsPayload()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return $$$"""{"sub":"forger","exp":{{{exp}}},"notify":{"publish":["*"],"subscribe":["*"]}}""";
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}

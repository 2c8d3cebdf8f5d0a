using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Notify.Api.Security;

/// <summary>Turns <see cref="AuthOptions"/> into the JWT bearer handler's validation rules.</summary>
internal static class JwtConfiguration
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static void Apply(JwtBearerOptions jwt, AuthOptions auth, HttpClient jwksClient)
    {
        jwt.MapInboundClaims = false; // keep "sub", "exp" and "notify" as the token names them
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrEmpty(auth.Issuer),
            ValidIssuer = auth.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(auth.Audience),
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = auth.ClockSkew,
            ValidAlgorithms = Algorithms,
            IssuerSigningKeys = SigningKeys(auth),
        };

        if (auth.JwksUrl is { } jwks)
        {
            jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                jwks.ToString(),
                new JwksRetriever(),
                new HttpDocumentRetriever(jwksClient) { RequireHttps = auth.RequireHttpsJwks });
        }

        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context => AccessTokenSources.ReadAsync(context, auth.CookieName),
        };
    }

    private static List<SecurityKey> SigningKeys(AuthOptions auth)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey)));
        }

        foreach (var pem in auth.PublicKeys)
        {
            keys.Add(PublicKey(pem));
        }

        return keys;
    }

    /// <summary>An RSA or EC public key in PEM (<c>PUBLIC KEY</c> or <c>RSA PUBLIC KEY</c>).</summary>
    private static SecurityKey PublicKey(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose(); // not an RSA key: an EC one, or the next import says what is wrong
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new ECDsaSecurityKey(ecdsa);
    }
}

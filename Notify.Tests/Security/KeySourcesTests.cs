using System.Net;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Asymmetric keys: from a JWKS URL (fetched from a real key server) and from PEM, with issuer and audience checked.</summary>
public sealed class KeySourcesTests(KeySourcesApp app) : IClassFixture<KeySourcesApp>, IDisposable
{
    private static readonly string[] PublishOrders = ["orders.*"];
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task RS256TokenSignedWithAKeyFromTheJwksUrl_IsAccepted()
    {
        var token = Token(new SigningCredentials(app.RsaKey, SecurityAlgorithms.RsaSha256));
        using var response = await _http.PublishAsync("orders.1", TokenSource.Header, token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ES256TokenSignedWithThePemKey_IsAccepted()
    {
        var token = Token(new SigningCredentials(app.EcKey, SecurityAlgorithms.EcdsaSha256));
        using var response = await _http.PublishAsync("orders.2", TokenSource.Header, token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task WrongIssuerOrAudience_OrAKeyNotConfigured_OrAnHmacToken_Is401()
    {
        var tokens = new[]
        {
            Token(new SigningCredentials(app.RsaKey, SecurityAlgorithms.RsaSha256), issuer: "https://someone-else.test"),
            Token(new SigningCredentials(app.RsaKey, SecurityAlgorithms.RsaSha256), audience: "another-service"),
            Token(new SigningCredentials(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256)),
            TestTokens.For("hmac", ["*"], ["*"]), // no symmetric key is configured here
        };
        foreach (var token in tokens)
        {
            await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync("orders.3", TokenSource.Header, token), HttpStatusCode.Unauthorized, "invalid_token");
        }
    }

    private static string Token(SigningCredentials credentials, string issuer = KeySourcesApp.Issuer, string audience = KeySourcesApp.Audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", "service")]),
            Claims = new Dictionary<string, object> { ["notify"] = new Dictionary<string, object> { ["publish"] = PublishOrders } },
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = credentials,
        });
}

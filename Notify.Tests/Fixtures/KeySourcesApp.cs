using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using Notify.Testing;

namespace Notify.Tests.Fixtures;

/// <summary>
/// An app that takes asymmetric tokens only: RS256 keys from a JSON Web Key Set served by a real key server on loopback
/// (as an identity provider's), and an ES256 key given as PEM. Tokens must name <see cref="Issuer"/> and <see cref="Audience"/>.
/// </summary>
public sealed class KeySourcesApp : NotifyApp
{
    public const string Issuer = "https://identity.example.test";
    public const string Audience = "notify";

    private readonly WebApplication _keyServer;

    public KeySourcesApp()
        : this(FreePort.Next(), ECDsa.Create(ECCurve.NamedCurves.nistP256))
    {
    }

    private KeySourcesApp(int keyServerPort, ECDsa ecKey)
        : base(new Dictionary<string, string?>
        {
            ["Notify:Auth:JwksUrl"] = $"http://127.0.0.1:{keyServerPort}/.well-known/jwks.json",
            ["Notify:Auth:RequireHttpsJwks"] = "false",
            ["Notify:Auth:PublicKeys:0"] = ecKey.ExportSubjectPublicKeyInfoPem(),
            ["Notify:Auth:Issuer"] = Issuer,
            ["Notify:Auth:Audience"] = Audience,
        })
    {
        EcKey = new ECDsaSecurityKey(ecKey) { KeyId = "ec-1" };
        RsaKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-1" };
        var jwks = new JsonWebKeySet();
        jwks.Keys.Add(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(RsaKey.Rsa.ExportParameters(false)) { KeyId = RsaKey.KeyId }));
        var json = System.Text.Json.JsonSerializer.Serialize(new { keys = jwks.Keys.Select(k => new { kty = k.Kty, kid = k.Kid, use = "sig", alg = "RS256", n = k.N, e = k.E }) });

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{keyServerPort}");
        _keyServer = builder.Build();
        _keyServer.MapGet("/.well-known/jwks.json", () => Results.Text(json, "application/json"));
    }

    /// <summary>The key server's RSA key (private part included, to sign with).</summary>
    public RsaSecurityKey RsaKey { get; }

    /// <summary>The EC key configured as PEM (private part included, to sign with).</summary>
    public ECDsaSecurityKey EcKey { get; }

    public override async Task InitializeAsync()
    {
        await _keyServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeDependenciesAsync()
    {
        await _keyServer.StopAsync();
        await _keyServer.DisposeAsync();
    }
}

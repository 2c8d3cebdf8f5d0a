namespace Notify.Tests.Security;

/// <summary>What an auth case asks for.</summary>
public enum AuthAction
{
    /// <summary><c>POST /topics/{topic}</c>.</summary>
    Publish,

    /// <summary><c>GET /topics/{topic}</c> (SSE).</summary>
    Subscribe,

    /// <summary><c>GET /topics/{topic}/events</c>.</summary>
    Read,
}

/// <summary>
/// A request with a missing, forged, broken or insufficient token, and its answer (TopicAccess): RFC 6750's
/// <c>401</c> with <c>WWW-Authenticate: Bearer</c> (and <c>error="invalid_token"</c> when a token was sent but is not
/// valid), <c>403</c> with <c>error="insufficient_scope"</c> for a valid token without the right.
/// </summary>
/// <param name="TopicPrefix">The topic's prefix: <c>public.</c> (anonymous clients allowed), <c>a.</c> or <c>b.</c>.</param>
/// <param name="Authorization">The <c>Authorization</c> header, or null for none.</param>
/// <param name="QueryToken">An <c>access_token</c> query parameter, or null for none.</param>
/// <param name="Error">The <c>error</c> the WWW-Authenticate header names; null when it names none (or there is none).</param>
public sealed record AuthCase(
    string Name, AuthAction Action, string TopicPrefix, Func<string?> Authorization, int Status, string? Error, Func<string?>? QueryToken = null)
{
    public override string ToString() => Name;
}

internal static class AuthCases
{
    private static readonly object ARights = new { publish = new[] { "a.*" }, subscribe = new[] { "a.*" } };

    private static readonly Dictionary<string, AuthCase> ByName = new AuthCase[]
    {
        new("no-token-private-topic", AuthAction.Publish, "a.", () => null, 401, null),
        new("basic-credentials-private-topic", AuthAction.Publish, "a.", () => "Basic YWRtaW46YWRtaW4=", 401, null),
        new("garbage-token", AuthAction.Publish, "public.", () => "Bearer garbage", 401, "invalid_token"),
        new("garbage-token-in-query", AuthAction.Subscribe, "public.", () => null, 401, "invalid_token", () => "garbage"),
        new("alg-none-token", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.AlgNone(), 401, "invalid_token"),
        new("token-signed-with-another-key", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.Valid(ARights, key: new string('x', 40)), 401, "invalid_token"),
        new("token-with-tampered-signature", AuthAction.Subscribe, "a.", () => "Bearer " + HostileTokens.Tampered(HostileTokens.Valid(ARights)), 401, "invalid_token"),
        new("expired-token", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.Valid(ARights, expiresIn: TimeSpan.FromHours(-1)), 401, "invalid_token"),
        new("token-with-20KiB-header", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.WithLargeHeader(20 * 1024), 431, null),
        new("token-with-10KiB-header-tampered", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.Tampered(HostileTokens.WithLargeHeader(10 * 1024)), 401, "invalid_token"),
        new("valid-token-publish-without-right", AuthAction.Publish, "b.", () => "Bearer " + HostileTokens.Valid(ARights), 403, "insufficient_scope"),
        new("valid-token-subscribe-without-right", AuthAction.Subscribe, "b.", () => "Bearer " + HostileTokens.Valid(ARights), 403, "insufficient_scope"),
        new("valid-token-read-without-right", AuthAction.Read, "b.", () => "Bearer " + HostileTokens.Valid(ARights), 403, "insufficient_scope"),
        new("valid-token-rights-not-an-object", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.Valid("[\"*\"]"), 403, "insufficient_scope"),
        new("valid-token-with-the-right", AuthAction.Publish, "a.", () => "Bearer " + HostileTokens.Valid(ARights), 201, null),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static AuthCase Named(string name) => ByName[name];
}

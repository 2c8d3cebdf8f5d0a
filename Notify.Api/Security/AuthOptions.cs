using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Security;

/// <summary>
/// Who may publish and subscribe (section <c>Notify:Auth</c>). With no key source configured the node runs open:
/// anyone may do anything, and it says so at start-up.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Auth";

    /// <summary>The HS256 key tokens are signed with (UTF-8, at least 32 bytes).</summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    /// <summary>Public keys (PEM: RSA or EC) tokens may be signed with, for RS*, PS* and ES* tokens.</summary>
    public List<string> PublicKeys { get; set; } = [];

    /// <summary>A JSON Web Key Set URL to fetch signing keys from (refreshed as the identity provider rotates them).</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>Whether <see cref="JwksUrl"/> must be HTTPS. Turn off only for a key server on the same machine.</summary>
    public bool RequireHttpsJwks { get; set; } = true;

    /// <summary>The <c>iss</c> tokens must carry; not checked when empty.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> tokens must carry; not checked when empty.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Leeway for clocks that disagree, applied to <c>exp</c> and <c>nbf</c>. A stream ends at <c>exp</c> plus this, and a
    /// reconnect after that is refused, so the two never disagree.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    /// <summary>The cookie a browser's token may come in (for <c>EventSource</c> with <c>withCredentials</c>).</summary>
    [Required]
    [RegularExpression("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")]
    public string CookieName { get; set; } = "notify_token";

    /// <summary>What a request without a token may do, for public topics.</summary>
    public TopicRightsOptions Anonymous { get; set; } = new();

    /// <summary>Whether any key source is configured; when not, the node runs open.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SigningKey) || PublicKeys.Count > 0 || JwksUrl is not null;
}

/// <summary>Topic selectors (<c>orders.42</c>, <c>orders.*</c>, <c>*</c>) per right.</summary>
public sealed class TopicRightsOptions
{
    /// <summary>Topics that may be published to.</summary>
    public List<string> Publish { get; set; } = [];

    /// <summary>Topics that may be subscribed to (SSE and the buffered-events read).</summary>
    public List<string> Subscribe { get; set; } = [];
}

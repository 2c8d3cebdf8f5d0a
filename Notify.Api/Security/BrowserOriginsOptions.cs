namespace Notify.Api.Security;

/// <summary>Which other origins' pages may publish and subscribe from a browser (section <c>Notify:Cors</c>).</summary>
public sealed class BrowserOriginsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Cors";

    /// <summary>
    /// Origins (<c>https://app.example.com</c>) allowed with credentials (cookies, <c>withCredentials</c>). <c>*</c> allows
    /// every origin, without credentials. A request from any other origin is refused with <c>403</c>.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Whether <paramref name="origin"/> is listed by name: its pages' requests may carry the visitor's cookie.</summary>
    public bool AllowsCredentials(string origin) => AllowedOrigins.Any(allowed => string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="origin"/> may send cross-origin requests.</summary>
    public bool Allows(string origin) => AllowedOrigins.Any(allowed => allowed == "*" || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase));
}

using Notify.Tests.Security;

namespace Notify.Tests.Fixtures;

/// <summary>
/// An app that checks tokens (HS256, <see cref="TestTokens.SigningKey"/>) and lets anyone publish to and subscribe to
/// <c>public.*</c> topics.
/// </summary>
public class SecuredNotifyApp : NotifyApp
{
    public SecuredNotifyApp()
        : this(new Dictionary<string, string?>())
    {
    }

    protected SecuredNotifyApp(IReadOnlyDictionary<string, string?> overrides)
        : base(WithAuth(overrides))
    {
    }

    private static Dictionary<string, string?> WithAuth(IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notify:Auth:SigningKey"] = TestTokens.SigningKey,
            ["Notify:Auth:Anonymous:Publish:0"] = "public.*",
            ["Notify:Auth:Anonymous:Subscribe:0"] = "public.*",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}

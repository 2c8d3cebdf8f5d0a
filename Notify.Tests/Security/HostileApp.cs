using System.Globalization;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// The app the hostile-input suite attacks, one instance for the whole suite: tokens signed with
/// <see cref="SigningKey"/>, anonymous clients allowed on <c>public.*</c> only, and a 2 s header timeout so a
/// slowloris is cut quickly. <see cref="Record"/> keeps what every request got back.
/// </summary>
public sealed class HostileApp() : NotifyApp(new Dictionary<string, string?>
{
    ["Notify:Auth:SigningKey"] = SigningKey,
    ["Notify:Auth:Anonymous:Publish:0"] = "public.*",
    ["Notify:Auth:Anonymous:Subscribe:0"] = "public.*",
    ["Kestrel:Limits:RequestHeadersTimeout"] = HeadersTimeout.ToString("c", CultureInfo.InvariantCulture),
})
{
    /// <summary>
    /// Connections the suite drops abruptly can make Kestrel log that a connection's processing "ended abnormally"
    /// ("Reading is already in progress", dotnet/aspnetcore#52324, open); seen in 1 of 3 CI runs, not yet tied to one
    /// test. The suite asserts what every request got and that nothing acknowledged is lost.
    /// </summary>
    public override Task InitializeAsync()
    {
        ExpectWarnings(entry => entry.Category == "Microsoft.AspNetCore.Server.Kestrel"
            && entry.Message.StartsWith("Connection processing ended abnormally", StringComparison.Ordinal)
            && entry.Exception is InvalidOperationException { Message: "Reading is already in progress." });
        return base.InitializeAsync();
    }

    /// <summary>The HS256 key of this app's tokens (at least 32 bytes).</summary>
    public const string SigningKey = "hostile-input-suite-signing-key-0123456789";

    /// <summary>How long a client may take to send its headers (10 s in production).</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(2);

    /// <summary>What the suite sent and got back.</summary>
    public SuiteRecord Record { get; } = new();

    /// <summary>The port Kestrel listens on (127.0.0.1).</summary>
    public int Port => BaseAddress.Port;

    /// <summary>A topic anonymous clients may publish to and subscribe to, used by no other request.</summary>
    public static string PublicTopic(string prefix) => Publisher.NewTopic($"public.{prefix}");
}

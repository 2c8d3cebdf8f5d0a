using Notify.Tests.Fixtures;

namespace Notify.Tests.Client;

/// <summary>A node whose streams ask clients to reconnect after 200 ms (<c>retry: 200</c>), so reconnect tests are quick.</summary>
public sealed class ClientApp() : NotifyApp(new Dictionary<string, string?> { ["Notify:Sse:RetryInterval"] = RetryInterval.ToString() })
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);
}

/// <summary>One node shared by the client tests that need no special settings; each test uses its own topics.</summary>
[CollectionDefinition(Name)]
public sealed class UsesClientApp : ICollectionFixture<ClientApp>
{
    public const string Name = "Notify.Client against one node";
}

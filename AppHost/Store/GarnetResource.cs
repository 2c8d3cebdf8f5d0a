namespace Notify.AppHost.Store;

/// <summary>
/// Garnet, Microsoft's Redis-compatible server, run from the repository's <c>garnet-server</c> tool as an
/// executable (there is no container runtime here). Its connection string is its endpoint's host and port.
/// </summary>
public sealed class GarnetResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    /// <summary>The endpoint clients connect to.</summary>
    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}

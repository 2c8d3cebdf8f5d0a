using Microsoft.Extensions.Configuration;
using Notify.AppHost.Security;
using Notify.AppHost.Store;
using Notify.AppHost.Streaming;
using Notify.Grains.Streaming;

// The whole cluster on one machine, top to bottom: the store, the Orleans cluster resource, the silos,
// then the load balancer in front of them.
var builder = DistributedApplication.CreateBuilder(args);
var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
var siloCount = builder.Configuration.GetValue("Notify:Silos", 3);
var gatewayPort = builder.Configuration.GetValue("Notify:GatewayPort", 8080);
var storeDirectory = builder.Configuration["Notify:StoreDirectory"] ?? Path.Combine(".notify", "store");
const string LoadBalancerEndpoint = "lb";

// Garnet keeps Orleans' membership, stream pub-sub state and the topics. Its data survives restarts.
var store = builder.AddGarnet("store", repositoryRoot, storeDirectory)
    .WithOrleansProviderType("Redis");

// The key the silos check tokens with: generated for each run unless Parameters:notify-signing-key is set. A token
// signed with it, for every topic, is printed at start.
var signingKey = builder.AddParameter("notify-signing-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
builder.PrintDevelopmentToken(signingKey, gatewayPort);

var cluster = builder.AddOrleans("notify-cluster")
    .WithClustering(store)
    .WithGrainStorage(NotifyProviderNames.PubSubStore, store)
    .WithStreaming(NotifyProviderNames.Streams, new DoorbellStreaming());

// N named silos rather than replicas: the load balancer must see, and health-check, every silo's own
// endpoint, and the dashboard can stop and start each one.
var silos = Enumerable.Range(1, siloCount).Select(i => AddSilo($"silo-{i}")).ToList();

var gateway = builder.AddProject<Projects.Notify_Gateway>("gateway", launchProfileName: null)
    .WithHttpEndpoint(port: gatewayPort, name: "http", isProxied: false)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");
foreach (var silo in silos)
{
    // The gateway reaches each silo on its load-balancer endpoint (HTTP/2 without TLS). It starts once they are up,
    // so a healthy start does not log a failed health probe for every silo still starting.
    gateway.WithReference(silo)
        .WaitFor(silo)
        .WithEnvironment($"ReverseProxy__Clusters__silos__Destinations__{silo.Resource.Name}__Address", $"http://_{LoadBalancerEndpoint}.{silo.Resource.Name}");
}

builder.Build().Run();

IResourceBuilder<ProjectResource> AddSilo(string name)
{
    var silo = builder.AddProject<Projects.Notify_Api>(name, launchProfileName: null)
        // Not behind the orchestrator's proxy: it accepts connections for a silo that is dead or frozen and holds
        // them, so requests the gateway sent there waited minutes instead of failing at once. (Silos reach each other
        // on the Orleans ports they advertise, never through the proxy.)
        .WithHttpEndpoint(name: "http", isProxied: false)
        .WithHttpEndpoint(name: LoadBalancerEndpoint, isProxied: false)
        .WithEndpoint(LoadBalancerEndpoint, endpoint => endpoint.Transport = "http2")
        .WithReference(cluster)
        .WithReference(store)
        .WaitFor(store)
        // Otherwise a silo may advertise another of the machine's addresses.
        .WithEnvironment("Orleans__Endpoints__AdvertisedIPAddress", "127.0.0.1")
        // The gateway's name for the silo too: topic grains are placed, and publishes routed, by it (TopicOwners).
        .WithEnvironment("Orleans__Name", name)
        .WithHttpHealthCheck("/health")
        // Tokens signed with the run's key; the demo page's topics are open to anyone.
        .WithEnvironment("Notify__Auth__SigningKey", signingKey)
        .WithEnvironment("Notify__Auth__Anonymous__Publish__0", "demo")
        .WithEnvironment("Notify__Auth__Anonymous__Publish__1", "demo.*")
        .WithEnvironment("Notify__Auth__Anonymous__Subscribe__0", "demo")
        .WithEnvironment("Notify__Auth__Anonymous__Subscribe__1", "demo.*")
        // The Orleans dashboard, linked from the silo's row in the Aspire dashboard.
        .WithEnvironment("Notify__Dashboard__Enabled", "true");
    silo.WithOrleansDashboardLink(signingKey);

    // Kestrel's endpoints, named: the public one, and the load balancer's, which speaks only HTTP/2 (Kestrel speaks HTTP/2
    // without TLS only on an endpoint that speaks nothing else). Through it, thousands of streams share a few connections.
    return silo
        .WithEndpointsInEnvironment(_ => false)
        .WithEnvironment("Kestrel__Endpoints__Public__Url", silo.GetEndpoint("http"))
        .WithEnvironment("Kestrel__Endpoints__LoadBalancer__Url", silo.GetEndpoint(LoadBalancerEndpoint))
        .WithEnvironment("Kestrel__Endpoints__LoadBalancer__Protocols", "Http2");
}

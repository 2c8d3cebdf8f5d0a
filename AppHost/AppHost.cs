using Notify.Grains;

// The whole system on one machine: the Orleans cluster resource, then the silos that join it.
var builder = DistributedApplication.CreateBuilder(args);

var cluster = builder.AddOrleans("notify-cluster")
    .WithDevelopmentClustering()
    .WithStreaming(NotifyProviderNames.Streams, new DoorbellStreaming())
    .WithMemoryGrainStorage(NotifyProviderNames.PubSubStore);

builder.AddProject<Projects.Notify_Api>("api")
    .WithReference(cluster)
    // Otherwise a silo may advertise another of the machine's addresses.
    .WithEnvironment("Orleans__Endpoints__AdvertisedIPAddress", "127.0.0.1")
    .WithHttpHealthCheck("/health");

builder.Build().Run();

// The load balancer in front of the silos: YARP, with the silos found through service discovery.
using Notify.Gateway;

StreamBufferPooling.Configure(); // before anything rents from the shared array pool

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRequestTimeouts(); // each route's Timeout (appsettings.json): publishes are bounded, streams are not
builder.Services.AddStreamsOfUnhealthySilos();
builder.Services.AddPassiveHealthWindow(builder.Configuration); // a silo back up is routed to again within ~10 s
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver()
    .AddTopicOwnerLoadBalancing(); // a topic's publishes go to the silo its grain is on

var app = builder.Build();

app.UseRequestTimeouts();
app.UseCleanStreamEnds(); // a stream whose silo failed ends cleanly; the client resumes
app.MapDefaultEndpoints();
app.MapReverseProxy(proxy =>
{
    proxy.UseRetriableProxyErrors();
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UseStreamsOfUnhealthySilos();
    proxy.UsePassiveHealthChecks();
});

app.Run();

using Notify.Api.Hosting;
using Notify.Api.Security;
using Notify.Api.Subscriptions;
using Notify.Api.Topics;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNotifySilo();          // the co-hosted Orleans silo: topic grains, their store, topic streams
builder.AddNotifySubscriptions(); // SSE: one fan-out per topic per silo, subscriptions, heartbeats
builder.AddNotifyTopicsApi();     // publish and read limits, problem details, JSON
builder.AddNotifySecurity();      // tokens and topic rights, CORS, per-client and per-silo limits
builder.AddNotifyKestrelLimits(); // header, body and timeout limits that cut slow attacks, not quiet streams
builder.AddNotifyOrleansDashboard(); // /dashboard/, when Notify:Dashboard:Enabled

var app = builder.Build();

app.UseNotifyProblemDetails();
app.UseNotifyRequestFraming(); // bodies whose length a proxy could read differently: 400
app.UseNotifySecurity();
app.UseDefaultFiles();
app.UseStaticFiles(); // the demo page at /

app.MapDefaultEndpoints();
app.MapSiloStatus();
app.MapNotifyOrleansDashboard();
app.MapTopicsApi();

app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;

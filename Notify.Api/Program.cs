using Notify.Api.Hosting;
using Notify.Api.Topics;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNotifyStore();
builder.AddNotifySilo();
builder.AddNotifyTopics();

var app = builder.Build();

app.UseNotifyProblemDetails();
app.UseDefaultFiles();
app.UseStaticFiles(); // the demo page at /

app.MapDefaultEndpoints();
app.MapSiloStatus();
app.MapTopicsApi();

app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;

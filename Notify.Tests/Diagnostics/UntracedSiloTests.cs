using System.Diagnostics;
using System.Net;
using System.Text;
using Notify.Tests.Fixtures;
using OpenTelemetry.Trace;

namespace Notify.Tests.Diagnostics;

/// <summary>
/// A silo that records no traces (no OTLP endpoint, as one silo runs by default) leaves its grain calls out of Orleans'
/// tracing filters: they would put every grain call, the stream's own among them, through Orleans' filter pipeline.
/// A listener in this process still sees the HTTP request, so the test can tell "no grain-call span" from "no listener".
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class UntracedSiloTests : IAsyncLifetime
{
    private readonly UntracedApp _app = new();
    private readonly SpanCollection _spans = new();
    private readonly TracerProvider _tracing;

    public UntracedSiloTests()
    {
        _tracing = _spans.Record("Microsoft.Orleans.Application", "Microsoft.AspNetCore");
    }

    public Task InitializeAsync() => _app.InitializeAsync();

    [Fact]
    public async Task WithoutTraceRecording_APublishMakesItsRequestSpan_AndNoGrainCallSpan()
    {
        using var http = _app.CreateHttpClient();
        var topic = Publisher.NewTopic("untraced");
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);

        var trace = ActivityTraceId.CreateRandom();
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("untraced", Encoding.UTF8, "text/plain") };
        publish.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await http.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("untraced", (await subscriber.NextAsync()).Data);

        await Eventually.TrueAsync(() => _spans.Of(trace).Any(span => span.Source.Name == "Microsoft.AspNetCore"), "the publish request is traced");
        Assert.DoesNotContain(_spans.Of(trace), span => span.Source.Name == "Microsoft.Orleans.Application");
    }

    public async Task DisposeAsync()
    {
        _tracing.Dispose();
        await _app.DisposeCheckingLogsAsync();
    }

    /// <summary>A silo that exports no traces, whatever the test process's environment says.</summary>
    private sealed class UntracedApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        [Notify.Api.Hosting.SiloHostingExtensions.GrainCallTracingKey] = "false",
    });
}

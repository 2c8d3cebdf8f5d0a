using System.Net;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Diagnostics;

/// <summary>
/// <c>/metrics</c> serves Notify's instruments as Prometheus text, with the values a known workload must give. On an
/// app of its own, and alone: a meter listener hears every meter of its name in the process.
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class MetricsEndpointTests(MetricsEndpointTests.App app) : IClassFixture<MetricsEndpointTests.App>
{
    [Fact]
    public async Task AfterAKnownWorkload_MetricsShowPublishesDeliveriesConnectionsResumesStoreAppendsLagAndRejections()
    {
        using var http = app.CreateHttpClient();
        var before = await PrometheusText.ScrapeAsync(http);
        var topic = Publisher.NewTopic("metrics");

        await using var first = await SseTestClient.ConnectAsync(http, topic);
        await using var second = await SseTestClient.ConnectAsync(http, topic);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await http.PublishAsync(topic, $"measured {i}"));
        }

        await first.TakeAsync(3);
        await second.TakeAsync(3);
        await using var exact = await SseTestClient.ConnectAsync(http, topic, lastEventId: ids[0]);
        await exact.TakeAsync(2);
        await using var reset = await SseTestClient.ConnectAsync(http, topic, lastEventId: "not-an-id");
        Assert.Equal("notify.reset", (await reset.NextAsync()).EventType);
        using var rejected = await http.PostAsync($"topics/{topic}", new ByteArrayContent(Encoding.UTF8.GetBytes("x")) { Headers = { ContentType = new("image/png") } });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, rejected.StatusCode);

        var after = before;
        await Eventually.TrueAsync(
            async () =>
            {
                after = await PrometheusText.ScrapeAsync(http); // a scrape may be up to a few hundred ms old
                return Delta(before, after, "notify_sse_connections") == 4 && Delta(before, after, "notify_events_delivered_total") == 6;
            },
            "the scrape shows the four open connections and the six deliveries");

        Assert.Equal(3, Delta(before, after, "notify_events_published_total", ("notify_publish_replayed", "false")));
        Assert.Equal(1, Delta(before, after, "notify_sse_topics"));
        Assert.Equal(1, Delta(before, after, "notify_sse_resumes_total", ("notify_resume_result", "exact")));
        Assert.Equal(1, Delta(before, after, "notify_sse_resumes_total", ("notify_resume_result", "reset"), ("notify_reset_reason", "malformed")));
        Assert.Equal(1, Delta(before, after, "notify_sse_resets_total", ("notify_reset_reason", "malformed")));
        Assert.Equal(1, Delta(before, after, "notify_requests_rejected_total", ("notify_rejection_reason", "bad_input"), ("http_response_status_code", "415")));

        // Three publishes, one at a time: three appends of one event each.
        Assert.Equal(3, Delta(before, after, "notify_store_append_duration_seconds_count", ("notify_store_outcome", "stored")));
        Assert.Equal(3, Delta(before, after, "notify_store_append_batch_size_sum", ("notify_store_outcome", "stored")));

        // At least one write per live subscriber (replays are not live deliveries), every one well under 10 s late.
        Assert.InRange(Delta(before, after, "notify_delivery_lag_seconds_count"), 2, 6);
        Assert.Equal(Delta(before, after, "notify_delivery_lag_seconds_count"), Delta(before, after, "notify_delivery_lag_seconds_bucket", ("le", "10")));

        // ASP.NET Core's own instruments: the rejected publish among the requests, by status; Kestrel's connections.
        Assert.Equal(1, Delta(before, after, "http_server_request_duration_seconds_count", ("http_response_status_code", "415")));
        Assert.True(after.Describes("kestrel_active_connections"), "Kestrel's instruments are missing");

        // Orleans' and the runtime's instruments are there too.
        Assert.True(after.Describes("dotnet_gc_collections_total"), "the runtime's instruments are missing");
    }

    private static double Delta(PrometheusText before, PrometheusText after, string series, params (string Name, string Value)[] labels) =>
        after.Value(series, labels) - before.Value(series, labels);

    /// <summary>An app of this test class's own.</summary>
    public sealed class App : NotifyApp;
}

/// <summary>Tests that read process-wide state (meters, activity listeners), run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresTheProcess
{
    public const string Name = "Measures the process";
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Notify.Tests.Fixtures;
using OpenTelemetry.Trace;

namespace Notify.Tests.Diagnostics;

/// <summary>
/// One event, one trace: its request, its publish in the topic grain, the store append and each silo's fan-out,
/// recorded by an in-memory exporter listening to the two silos of this process. Orleans' grain-call spans are listened
/// to as well, to show there are none: making them puts every grain call through Orleans' filter pipeline.
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class EventTraceTests : IClassFixture<InProcessCluster>, IDisposable
{
    private const string OrleansGrainCalls = "Microsoft.Orleans.Application";

    private readonly InProcessCluster _cluster;
    private readonly SpanCollection _spans = new();
    private readonly TracerProvider _tracing;

    public EventTraceTests(InProcessCluster cluster)
    {
        _cluster = cluster;
        _tracing = _spans.Record("Notify", OrleansGrainCalls, "Microsoft.AspNetCore");
    }

    [Fact]
    public async Task APublishAndItsDeliveriesOnTwoSilos_FormOneTrace_WithOneFanoutSpanPerSilo()
    {
        using var siloA = _cluster.Silos[0].CreateHttpClient();
        using var siloB = _cluster.Silos[1].CreateHttpClient();
        var topic = Publisher.NewTopic("traced");
        await using var firstOnA = await SseTestClient.ConnectAsync(siloA, topic);
        await using var secondOnA = await SseTestClient.ConnectAsync(siloA, topic);
        await using var onB = await SseTestClient.ConnectAsync(siloB, topic);

        var (trace, caller) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("traced", Encoding.UTF8, "text/plain") };
        publish.Headers.Add("traceparent", $"00-{trace}-{caller}-01");
        using var response = await siloA.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<Publisher.Published>())!.Id;
        foreach (var subscriber in new[] { firstOnA, secondOnA, onB })
        {
            Assert.Equal(id, (await subscriber.NextAsync()).EventId);
        }

        await Eventually.TrueAsync(() => _spans.Of(trace).Count(span => span.OperationName == "notify.fanout") == 2, "both silos' fan-outs are traced");
        var spans = _spans.Of(trace);

        // The request, then the publish in the topic grain; the append and both fan-outs hang from the publish.
        var request = Assert.Single(spans, span => span.ParentSpanId == caller);
        Assert.Equal(ActivityKind.Server, request.Kind);
        var accepted = Assert.Single(spans, span => span.OperationName == "notify.publish");
        Assert.Equal(request.SpanId, accepted.ParentSpanId);
        Assert.Equal(ActivityKind.Server, accepted.Kind);
        Assert.Equal(id, accepted.GetTagItem("notify.event.id"));
        Assert.Equal(topic, accepted.GetTagItem("notify.topic"));
        Assert.True(accepted.Duration > TimeSpan.Zero, "the publish's span ends with its answer");
        var append = Assert.Single(spans, span => span.OperationName == "notify.store.append");
        Assert.Equal(accepted.SpanId, append.ParentSpanId);
        Assert.Equal(1, append.GetTagItem("notify.store.batch_size"));
        Assert.True(append.StartTimeUtc + append.Duration <= accepted.StartTimeUtc + accepted.Duration, "the append's span covers the store's answer, not what the grain does after the publish is answered");

        var fanouts = spans.Where(span => span.OperationName == "notify.fanout").ToList();
        Assert.All(fanouts, fanout =>
        {
            Assert.Equal(accepted.SpanId, fanout.ParentSpanId);
            Assert.Equal(ActivityKind.Consumer, fanout.Kind);
            Assert.Equal(id, fanout.GetTagItem("notify.event.id"));
            Assert.Equal(topic, fanout.GetTagItem("notify.topic"));
        });
        // One span per silo, telling how many connections it wrote to: never one per connection.
        Assert.Equal([1, 2], fanouts.Select(fanout => (int)fanout.GetTagItem("notify.connections")!).Order());
        Assert.Equal(2, fanouts.Select(fanout => fanout.GetTagItem("notify.silo")).Distinct().Count());

        // Every span is connected to the request: one trace, not pieces; and no grain call is traced by Orleans.
        var known = spans.Select(span => span.SpanId).Append(caller).ToHashSet();
        Assert.All(spans, span => Assert.Contains(span.ParentSpanId, known));
        Assert.DoesNotContain(spans, span => span.Source.Name == OrleansGrainCalls);
    }

    [Fact]
    public async Task AReplay_IsASpanOfItsOwn_InTheSubscribersTrace()
    {
        using var siloB = _cluster.Silos[1].CreateHttpClient();
        var topic = Publisher.NewTopic("replayed");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await siloB.PublishAsync(topic, $"event {i}"));
        }

        var trace = ActivityTraceId.CreateRandom();
        siloB.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        await using var resumed = await SseTestClient.ConnectAsync(siloB, topic, lastEventId: ids[0]);
        Assert.Equal(ids[1..], (await resumed.TakeAsync(2)).Select(e => e.EventId));

        await Eventually.TrueAsync(() => _spans.Of(trace).Any(span => span.OperationName == "notify.replay"), "the replay is traced");
        var replay = Assert.Single(_spans.Of(trace), span => span.OperationName == "notify.replay");
        Assert.Equal(ids[0], replay.GetTagItem("notify.resume.from"));
        Assert.Equal(2, replay.GetTagItem("notify.replay.events"));
        Assert.NotEqual(default, replay.ParentSpanId); // inside the subscriber's request, which lasts as long as its stream
    }

    public void Dispose() => _tracing.Dispose();
}

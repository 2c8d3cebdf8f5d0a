using System.Net;
using System.Net.Http.Headers;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Hostile input, over raw sockets and HttpClient, against one app for the whole class; each request gets the answer its
/// case states. The last test checks what all of them left: a healthy node, every acknowledged
/// event still delivered, and no response body carrying internals.
/// </summary>
[TestCaseOrderer(RunLastOrderer.TypeName, RunLastOrderer.AssemblyName)]
public sealed class HostileInputTests(HostileApp app) : IClassFixture<HostileApp>, IDisposable
{
    /// <summary>A token that may read every topic, for the checks (not for the attacks).</summary>
    private static readonly string AuditorToken = TestTokens.Valid(new { subscribe = new[] { "*" } }, subject: "auditor");

    private readonly HttpClient _http = app.CreateHttpClient();

    public static TheoryData<string> RawRequests => HostileCases.Names;

    public void Dispose() => _http.Dispose();

    [Theory]
    [MemberData(nameof(RawRequests))]
    public Task RawRequest_GetsItsDocumentedAnswer_AndNoSecondRequestRuns(string name) =>
        new RawCaseRunner(app, _http).RunAsync(HostileCases.Named(name));

    [Fact]
    [RunLast]
    public async Task Afterwards_TheNodeIsHealthy_EveryAcknowledgedEventIsDelivered_AndNoBodyCarriesInternals()
    {
        using var health = await _http.GetAsync("health");
        app.Record.Body("health-afterwards", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var auditor = app.CreateHttpClient();
        auditor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AuditorToken);
        foreach (var topic in app.Record.Acknowledged.GroupBy(e => e.Topic))
        {
            var stored = await BufferedEvents.ReadAllAsync(auditor, topic.Key);
            foreach (var acknowledged in topic)
            {
                var match = stored.SingleOrDefault(e => e.Id == acknowledged.Id);
                Assert.True(match is not null, $"{acknowledged.Request}: {acknowledged.Id} on {topic.Key} was acknowledged but is gone");
                Assert.True(acknowledged.Data is null || acknowledged.Data == match.Data, $"{acknowledged.Request}: stored '{match.Data}'");
            }

            // ...and a subscriber that resumes from the start of the topic receives them, in order.
            await using var subscriber = await SseTestClient.ConnectAsync(auditor, topic.Key, lastEventId: "earliest");
            Assert.Equal(stored.Select(e => e.Id), (await subscriber.TakeAsync(stored.Count)).Select(e => e.EventId));
        }

        Assert.Empty(app.Record.Leaks());
    }
}

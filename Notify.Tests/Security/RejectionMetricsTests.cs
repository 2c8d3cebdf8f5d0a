using System.Net;
using Notify.Tests.Diagnostics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Refusals counted by reason in <c>notify.requests.rejected</c>. Meters are read process-wide (every in-process node's
/// count the same instruments), so this runs alone: a 401 of another test's node would count here too.
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class RejectionMetricsTests(LimitsTests.App app) : IClassFixture<LimitsTests.App>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Refusals_AreCountedByReason_InTheRejectedRequestsMetric()
    {
        var before = await PrometheusText.ScrapeAsync(_http);
        var topic = "orders." + Guid.NewGuid().ToString("N");
        using (var unauthorized = await _http.PublishAsync(topic, TokenSource.Header, token: null))
        using (var forbidden = await _http.PublishAsync(topic, TokenSource.Header, TestTokens.For("metered", subscribe: ["orders.*"])))
        {
            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (unauthorized.StatusCode, forbidden.StatusCode));
        }

        var token = TestTokens.For("metered", publish: ["orders.*"]);
        var limited = 0;
        while (limited == 0)
        {
            using var response = await _http.PublishAsync(topic, TokenSource.Header, token);
            limited += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        await Eventually.TrueAsync(
            async () =>
            {
                var after = await PrometheusText.ScrapeAsync(_http);
                double Delta(string reason, string status) =>
                    after.Value("notify_requests_rejected_total", ("notify_rejection_reason", reason), ("http_response_status_code", status))
                    - before.Value("notify_requests_rejected_total", ("notify_rejection_reason", reason), ("http_response_status_code", status));
                return Delta("auth", "401") == 1 && Delta("auth", "403") == 1 && Delta("limit", "429") == 1;
            },
            "the scrape counts one 401 and one 403 as auth, and one 429 as a limit");
    }
}

using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// What lists every topic (the Orleans dashboard, <c>GET /silo</c>) takes a token that may subscribe to every topic; a
/// browser brings it to the dashboard once in the query, and the dashboard's own requests then carry it in a cookie.
/// </summary>
public sealed class OperatorAccessTests(OperatorAccessTests.App app) : IClassFixture<OperatorAccessTests.App>
{
    public sealed class App() : SecuredNotifyApp(new Dictionary<string, string?> { ["Notify:Dashboard:Enabled"] = "true" });

    [Fact]
    public async Task WithoutAToken_401_WithATokenForSomeTopics_403()
    {
        using var http = app.CreateHttpClient();
        using var anonymous = await http.GetAsync("dashboard/DashboardCounters");
        await AuthorizedRequests.AssertRefusedAsync(anonymous, HttpStatusCode.Unauthorized, error: null);

        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard/DashboardCounters");
        request.Add(TokenSource.Header, TestTokens.For("shop", publish: ["*"], subscribe: ["orders.*"]));
        using var someTopics = await http.SendAsync(request);
        await AuthorizedRequests.AssertRefusedAsync(someTopics, HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Fact]
    public async Task SiloStatus_TakesAnOperatorToken()
    {
        using var http = app.CreateHttpClient();
        using var anonymous = await http.GetAsync("silo");
        await AuthorizedRequests.AssertRefusedAsync(anonymous, HttpStatusCode.Unauthorized, error: null);

        using var request = new HttpRequestMessage(HttpMethod.Get, "silo");
        request.Add(TokenSource.Header, TestTokens.For("operator", subscribe: ["*"]));
        using var status = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("\"topicGrains\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorTokenInTheQuery_MovesToACookie_AndTheDashboardsRequestsWork()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TestTimeouts.Request };
        var token = TestTokens.For("operator", subscribe: ["*"]);

        using var opened = await http.GetAsync($"dashboard/?access_token={token}");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/dashboard/", opened.Headers.Location?.OriginalString); // the token leaves the address bar
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = await http.GetAsync("dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var counters = await http.GetAsync("dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Contains("totalActiveHostCount", await counters.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

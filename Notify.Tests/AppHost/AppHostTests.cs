using System.Net;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.AppHost;

/// <summary>The whole system as <c>dotnet run --project AppHost</c> starts it: the real orchestrator, store, silos and gateway.</summary>
[Collection(RunsTheAppHost.Name)]
public sealed class AppHostTests
{
    [Fact]
    public async Task AppHost_StartsStoreSilosAndGateway_AndEventsPublishedThroughTheGatewayReachSubscribers_AndResume_WithNoWarningOrErrorLogged()
    {
        await using var appHost = await RunningAppHost.StartAsync();
        using var http = appHost.CreateAuthorizedClient(); // with the token the AppHost printed
        var topic = Publisher.NewTopic("apphost");
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await http.PublishAsync(topic, $"through aspire {i}"));
        }

        Assert.Equal(ids, (await subscriber.TakeAsync(5)).Select(e => e.EventId));

        await using var resumed = await SseTestClient.ConnectAsync(http, topic, lastEventId: ids[1]);
        Assert.Equal(ids.Skip(2), (await resumed.TakeAsync(3)).Select(e => e.EventId));

        using var health = await http.GetAsync("health");
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

        // The printed token comes with ready commands; without a token only the demo page's topics are open.
        var printed = Assert.Single(appHost.Logs.Entries, entry => entry.Category == "Notify.AppHost").Message;
        Assert.Contains($"curl -N -H \"Authorization: Bearer $TOKEN\" http://localhost:{appHost.Gateway.Port}/topics/orders", printed, StringComparison.Ordinal);
        Assert.Contains($"TOKEN={appHost.Token}", printed, StringComparison.Ordinal);
        Assert.Contains($"Demo page: http://localhost:{appHost.Gateway.Port}/?topic=orders&token={appHost.Token} ", printed, StringComparison.Ordinal); // a link that works as printed
        await DemoPageLink_ShowsAnEventPublishedFromThePageAsync(printed, appHost.Gateway.Port);
        using var anonymous = new HttpClient { BaseAddress = appHost.Gateway, Timeout = TestTimeouts.Request };
        var demo = Publisher.NewTopic("demo.apphost").Replace('-', '.');
        await using (var demoSubscriber = await SseTestClient.ConnectAsync(anonymous, demo))
        {
            Assert.Equal(await anonymous.PublishAsync(demo, "open to anyone"), (await demoSubscriber.NextAsync()).EventId);
        }

        using var refused = await anonymous.PostAsync($"topics/{topic}", new StringContent("no token"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);

        // A healthy start and a publish/subscribe round are quiet: no warning or error (each is something to act on),
        // and no Information line per grain placement (Polly's, for each resilience pipeline Orleans runs).
        var logs = await ResourceLogs.EntriesAsync(appHost.App, RunningAppHost.Silos.Append("gateway"));
        var noise = logs.Where(entry => entry.IsWarningOrAbove || entry.Category.StartsWith("Polly", StringComparison.Ordinal)).ToList();
        Assert.True(noise.Count == 0, string.Join(Environment.NewLine, noise));
        Assert.Contains(logs, entry => entry is { Level: "info", Category: "Orleans.Runtime.Silo" }); // the log was read
    }

    [Fact]
    public async Task TheSilosServeTheOrleansDashboard_LinkedFromTheirResources_ShowingEverySiloAndTheTopicGrains()
    {
        await using var appHost = await RunningAppHost.StartAsync();
        using var gateway = appHost.CreateAuthorizedClient();
        await gateway.PublishAsync(Publisher.NewTopic("dashboard"), "a topic grain to see");

        foreach (var silo in RunningAppHost.Silos)
        {
            var link = Assert.Single(appHost.App.ResourceNotifications.TryGetCurrentState(silo, out var state) ? state.Snapshot.Urls : [], url => url.DisplayProperties.DisplayName == "Orleans dashboard");
            using (var anonymous = new HttpClient { BaseAddress = new Uri(link.Url.Split('?')[0]), Timeout = TestTimeouts.Request })
            {
                using var refused = await anonymous.GetAsync("DashboardCounters"); // it lists every topic: not for anyone
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            // The link carries a token; the dashboard moves it to a cookie its own requests send.
            using var http = new HttpClient { BaseAddress = new Uri(link.Url), Timeout = TestTimeouts.Request };
            using var page = await http.GetAsync("");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

            await Eventually.TrueAsync(
                async () =>
                {
                    using var counters = JsonDocument.Parse(await http.GetStringAsync("DashboardCounters"));
                    return counters.RootElement.GetProperty("totalActiveHostCount").GetInt32() == RunningAppHost.Silos.Length
                        && counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
                            .Any(grain => grain.GetProperty("grainType").GetString()!.Contains("TopicGrain", StringComparison.Ordinal));
                },
                $"{silo}'s dashboard shows the {RunningAppHost.Silos.Length} silos and the topic grains");
        }
    }

    /// <summary>The printed demo-page link, opened as printed in a real browser through the gateway: publish from the page, see the event.</summary>
    private static async Task DemoPageLink_ShowsAnEventPublishedFromThePageAsync(string printed, int gatewayPort)
    {
        var link = System.Text.RegularExpressions.Regex.Match(printed, @"Demo page: (\S+)").Groups[1].Value;
        Assert.StartsWith($"http://localhost:{gatewayPort}/?topic=orders&token=ey", link, StringComparison.Ordinal);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = HeadlessChromium.CollectErrors(page);
        try
        {
            await page.GotoAsync(link.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "&connect=1");
            await page.WaitForSelectorAsync("#state.open");
            await page.FillAsync("#data", "from the demo page");
            await page.ClickAsync("#publish button[type=submit]");
            await page.WaitForSelectorAsync("#events li[data-type='message'] .data:has-text('from the demo page')");
            lock (errors)
            {
                Assert.True(errors.Count == 0, "the page reported errors:\n" + string.Join('\n', errors));
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}

/// <summary>Alone, after the other tests: the AppHost starts a whole cluster of processes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsTheAppHost
{
    public const string Name = "The AppHost";
}

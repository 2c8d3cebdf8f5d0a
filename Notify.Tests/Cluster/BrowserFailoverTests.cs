using Microsoft.Playwright;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// The user's own client: a real browser (Debian's Chromium, driven by Playwright) opens the demo page through the
/// load balancer; the silo serving its EventSource is killed; the browser's own reconnect, with the Last-Event-ID
/// it keeps itself, lands on another silo and the page ends with every event exactly once.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class BrowserFailoverTests(NotifyCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task DemoPage_ResumesThroughTheGateway_AfterItsSiloIsKilled()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = HeadlessChromium.CollectErrors(page);
        var topic = Publisher.NewTopic("browser");
        using var http = cluster.CreateGatewayClient();
        var victim = -1;
        try
        {
            await page.GotoAsync(new Uri(cluster.GatewayAddress, $"?topic={topic}&connect=1").ToString());
            await page.WaitForSelectorAsync("#state.open", new PageWaitForSelectorOptions { Timeout = 60_000 });

            var acknowledged = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                acknowledged.Add(await http.PublishUntilAcknowledgedAsync(topic, $"before {i}", $"{topic}/{i}", TimeSpan.FromSeconds(60)));
            }

            await WaitForEventsAsync(page, acknowledged);

            var connections = await cluster.ConnectionsAsync(topic);
            victim = Array.IndexOf(connections, 1);
            Assert.True(victim >= 0, $"one silo holds the page's stream: {string.Join(", ", connections)}");
            await cluster.Silos[victim].KillAsync();
            output.WriteLine($"killed silo-{victim + 1}, which served the page");

            for (var i = 5; i < 10; i++)
            {
                acknowledged.Add(await http.PublishUntilAcknowledgedAsync(topic, $"after {i}", $"{topic}/{i}", TimeSpan.FromSeconds(90)));
            }

            var shown = await WaitForEventsAsync(page, acknowledged);
            Assert.Equal(acknowledged, shown);
            var log = await page.Locator("#connections li").AllInnerTextsAsync();
            output.WriteLine(string.Join('\n', log));
            Assert.Contains(log, line => line.Contains($"reconnected, resuming after {acknowledged[4]}", StringComparison.Ordinal));
            Assert.Equal(0, await page.Locator("#events li[data-type='notify.reset']").CountAsync());
            lock (errors)
            {
                Assert.True(errors.Count == 0, "the page reported errors:\n" + string.Join('\n', errors));
            }
            var now = await cluster.ConnectionsAsync(topic);
            Assert.Equal(1, now.Sum());
            Assert.Equal(0, now[victim]);
        }
        catch
        {
            await ReportAsync(page);
            throw;
        }
        finally
        {
            await CloseAndRestoreAsync(page, victim);
        }
    }

    /// <summary>Waits until the page lists at least the given events; returns the ids it lists.</summary>
    [Fact]
    public async Task DemoPage_Follows8TopicsOnOneEventSource_AndAfterItsSiloIsKilled_HasEveryEventOfEveryTopicOnce()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = HeadlessChromium.CollectErrors(page);
        var topics = Enumerable.Range(0, 8).Select(i => Publisher.NewTopic($"eight{i}")).ToList();
        using var http = cluster.CreateGatewayClient();
        var victim = -1;
        try
        {
            // Eight topics: more than the six connections a browser allows per origin, on one stream.
            await page.GotoAsync(new Uri(cluster.GatewayAddress, $"?topic={string.Join(',', topics)}&connect=1").ToString());
            await page.WaitForSelectorAsync("#state.open", new PageWaitForSelectorOptions { Timeout = 60_000 });
            var expected = topics.ToDictionary(t => t, _ => new List<string>());
            await PublishRoundAsync(http, topics, expected, 0);
            await WaitForTopicEventsAsync(page, expected);

            var connections = await cluster.ConnectionsAsync(topics[0]);
            victim = Array.IndexOf(connections, 1);
            Assert.True(victim >= 0, $"one silo holds the page's stream: {string.Join(", ", connections)}");
            await cluster.Silos[victim].KillAsync();
            output.WriteLine($"killed silo-{victim + 1}, which served the page's stream of 8 topics");
            await PublishRoundAsync(http, topics, expected, 1);
            await PublishRoundAsync(http, topics, expected, 2); // after the resume: a late repeat of an earlier event would show before these

            var shown = await WaitForTopicEventsAsync(page, expected);
            foreach (var topic in topics)
            {
                Assert.Equal(expected[topic], shown[topic]); // every event of every topic, once, in order
            }

            Assert.Equal(0, await page.Locator("#events li[data-type='notify.reset']").CountAsync());
            lock (errors)
            {
                Assert.True(errors.Count == 0, "the page reported errors:\n" + string.Join('\n', errors));
            }
        }
        catch
        {
            await ReportAsync(page);
            throw;
        }
        finally
        {
            await CloseAndRestoreAsync(page, victim);
        }
    }

    private async Task ReportAsync(IPage page)
    {
        output.WriteLine(string.Join('\n', await page.Locator("#connections li").AllInnerTextsAsync()));
        output.WriteLine(string.Join('\n', await page.Locator("#events li").AllInnerTextsAsync()));
        output.WriteLine(cluster.RecentOutput);
    }

    /// <summary>Closes the page first (its open stream would make the gateway avoid one silo while routing is checked), then restarts the killed silo.</summary>
    private async Task CloseAndRestoreAsync(IPage page, int victim)
    {
        await page.CloseAsync();
        if (victim >= 0)
        {
            await cluster.RestoreSiloAsync(victim);
        }
    }

    /// <summary>Five events on every topic, each acknowledged (retried across the failover with its key).</summary>
    private static async Task PublishRoundAsync(HttpClient http, List<string> topics, Dictionary<string, List<string>> expected, int round)
    {
        for (var i = 0; i < 5; i++)
        {
            foreach (var topic in topics)
            {
                var data = $"{topic}/{round}/{i}";
                await http.PublishUntilAcknowledgedAsync(topic, data, data, TimeSpan.FromSeconds(90));
                expected[topic].Add(data);
            }
        }
    }

    /// <summary>Waits until the page shows as many events as expected, then returns their data per topic, in order.</summary>
    private static async Task<Dictionary<string, List<string>>> WaitForTopicEventsAsync(IPage page, Dictionary<string, List<string>> expected)
    {
        var total = expected.Values.Sum(list => list.Count);
        var events = page.Locator("#events li:not(.reserved)");
        await Eventually.TrueAsync(async () => await events.CountAsync() >= total, $"the page shows {total} events", TimeSpan.FromSeconds(60));
        var shown = await events.EvaluateAllAsync<string[][]>("items => items.map(item => [item.dataset.type, item.querySelector('.data').textContent.trim()])");
        return expected.Keys.ToDictionary(topic => topic, topic => shown.Where(e => e[0] == topic).Select(e => e[1]).ToList());
    }

    private static async Task<List<string>> WaitForEventsAsync(IPage page, List<string> ids)
    {
        var events = page.Locator("#events li[data-type='message']");
        await Eventually.TrueAsync(async () => await events.CountAsync() >= ids.Count, $"the page shows {ids.Count} events", TimeSpan.FromSeconds(60));
        return [.. await events.EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.id)")];
    }
}

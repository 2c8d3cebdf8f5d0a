using Microsoft.Playwright;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Security;

/// <summary>
/// The demo page's worked example of token renewal, in a real browser: an EventSource with a query token is told
/// <c>notify.expired</c>, and the page resumes with a fresh token after the last event it showed, missing nothing.
/// </summary>
public sealed class DemoPageTokenTests(SecuredNotifyApp app, ITestOutputHelper output) : IClassFixture<SecuredNotifyApp>
{
    [Fact]
    public async Task DemoPage_ToldItsTokenExpired_ResumesWithAFreshTokenAfterItsLastEvent()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = HeadlessChromium.CollectErrors(page);
        using var http = app.CreateHttpClient();
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var publisher = TestTokens.For("shop", publish: ["orders.*"]);
        var shortLived = TestTokens.For("page", subscribe: ["orders.*"], expires: DateTime.UtcNow.AddSeconds(7));
        try
        {
            await page.GotoAsync(new Uri(app.BaseAddress, $"?topic={topic}&token={shortLived}&connect=1").ToString());
            await page.WaitForSelectorAsync("#state.open");
            Assert.DoesNotContain("token=", page.Url, StringComparison.Ordinal); // not left in the address bar

            var acknowledged = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                acknowledged.Add(await http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"before {i}"));
            }

            await WaitForEventsAsync(page, acknowledged);
            await Eventually.TrueAsync(async () => await page.InnerTextAsync("#watching") == "1", "the page shows the subscriber count: its own stream");
            await page.WaitForSelectorAsync("#state.expired", new PageWaitForSelectorOptions { Timeout = 15_000 });
            for (var i = 3; i < 6; i++)
            {
                acknowledged.Add(await http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"while expired {i}"));
            }

            await page.FillAsync("#token", TestTokens.For("page", subscribe: ["orders.*"]));
            await page.ClickAsync("#connect");
            await page.WaitForSelectorAsync("#state.open");
            acknowledged.Add(await http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, "live"));

            Assert.Equal(acknowledged, await WaitForEventsAsync(page, acknowledged));
            Assert.Equal(1, await page.Locator("#events li[data-type='notify.expired']").CountAsync());
            Assert.Equal(0, await page.Locator("#events li[data-type='notify.reset']").CountAsync());
            lock (errors)
            {
                Assert.True(errors.Count == 0, "the page reported errors:\n" + string.Join('\n', errors));
            }
        }
        catch
        {
            output.WriteLine(string.Join('\n', await page.Locator("#connections li").AllInnerTextsAsync()));
            output.WriteLine(string.Join('\n', await page.Locator("#events li").AllInnerTextsAsync()));
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task<List<string>> WaitForEventsAsync(IPage page, List<string> ids)
    {
        var events = page.Locator("#events li[data-type='message']");
        await Eventually.TrueAsync(async () => await events.CountAsync() >= ids.Count, $"the page shows {ids.Count} events", TimeSpan.FromSeconds(30));
        return [.. await events.EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.id)")];
    }
}

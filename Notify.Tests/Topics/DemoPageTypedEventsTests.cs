using Microsoft.Playwright;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// The demo page shows the typed events it publishes, in a real browser: named by their type on one topic's stream,
/// <c>topic:type</c> on a stream of several (EventSource has no catch-all listener, so the page must listen for each).
/// </summary>
public sealed class DemoPageTypedEventsTests(NotifyApp app) : IClassFixture<NotifyApp>
{
    public static TheoryData<int> TopicCounts => [1, 3];

    [Theory]
    [MemberData(nameof(TopicCounts))]
    public async Task ATypedEventPublishedFromThePage_IsShownUnderItsName(int topicCount)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = HeadlessChromium.CollectErrors(page);
        var topics = Enumerable.Range(0, topicCount).Select(i => Publisher.NewTopic($"demo-typed{i}")).ToList();
        try
        {
            await page.GotoAsync(new Uri(app.BaseAddress, $"?topic={string.Join(',', topics)}&connect=1").ToString());
            await page.WaitForSelectorAsync("#state.open");

            await page.FillAsync("#data", "plain");
            await page.ClickAsync("#publish button[type=submit]");
            await page.WaitForSelectorAsync("#publish-result:has-text('201')");
            await page.FillAsync("#type", "shipped");
            await page.FillAsync("#data", "typed");
            await page.ClickAsync("#publish button[type=submit]");

            // Published to the first topic: on one topic's stream a plain event is "message"; on several, the topic's name.
            var (plain, typed) = topicCount == 1 ? ("message", "shipped") : (topics[0], $"{topics[0]}:shipped");
            var shown = page.Locator("#events li");
            await Eventually.TrueAsync(async () => await shown.CountAsync() >= 2, "the page shows both events");
            var types = await shown.EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.type + ' ' + item.querySelector('.data').textContent.trim())");
            Assert.Equal([$"{plain} plain", $"{typed} typed"], types);
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

using Microsoft.Playwright;

namespace Notify.Tests.Fixtures;

/// <summary>Debian's Chromium, headless, for tests of the demo page (Playwright cannot download its own browser here).</summary>
public static class HeadlessChromium
{
    private const string Path = "/usr/bin/chromium";

    /// <summary>
    /// Collects what the page reports as errors (console errors, uncaught exceptions), for a test to assert there are
    /// none: a broken pattern attribute or a missing resource shows only there.
    /// </summary>
    public static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page error: {error}");
            }
        };
        return errors;
    }

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Path), $"The browser tests need Debian's Chromium at {Path}: apt-get install chromium (bash .ci/run does).");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}

using Microsoft.Playwright;

namespace Notify.Tests.Fixtures;

/// <summary>Debian's Chromium, headless, for tests of the demo page (Playwright cannot download its own browser here).</summary>
public static class HeadlessChromium
{
    private const string Path = "/usr/bin/chromium";

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

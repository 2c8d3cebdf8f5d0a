using Microsoft.Playwright;

namespace Notify.Tests.Fixtures;

/// <summary>
/// Chromium, headless, for tests of the demo page: the system's (Debian's package) where there is one, else the one
/// Playwright's installer put in its cache (test.sh installs one or the other).
/// </summary>
public static class HeadlessChromium
{
    private static readonly string[] SystemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

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
        var system = SystemChromium.FirstOrDefault(File.Exists);
        if (system is null && !File.Exists(playwright.Chromium.ExecutablePath))
        {
            Assert.Fail("The browser tests need Chromium: run them with 'bash test.sh', which installs it (apt-get install chromium, or Playwright's installer).");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = system, // null: Playwright's own
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}

#:package Microsoft.Playwright
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Takes the Aspire dashboard screenshots in docs/images with headless Chromium (Playwright).
// 1. dotnet run --project AppHost   (note the dashboard's login URL it prints)
// 2. open a few subscribers and publish through the gateway, e.g.
//      curl -N -H "Accept: text/event-stream" http://127.0.0.1:8080/topics/orders &   (several times)
//      curl -X POST -H "Content-Type: text/plain" --data "order 1 shipped" http://127.0.0.1:8080/topics/orders
// 3. dotnet run docs/images/take-screenshots.cs -- "<login URL>" docs/images
using Microsoft.Playwright;

var (login, outDir) = (args[0], args[1]);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1500, Height = 900 } });
await page.GotoAsync(login);
await page.WaitForTimeoutAsync(3000);
await page.GotoAsync(new Uri(new Uri(login), "/traces").ToString());
await page.WaitForTimeoutAsync(4000);

// open the newest POST trace (the list is oldest first; the first event after a start is a cold one)
var link = page.Locator("text=POST").Last;
await link.ClickAsync();
await page.WaitForTimeoutAsync(4000);
await page.ScreenshotAsync(new() { Path = Path.Combine(outDir, "trace-one-event.png") });
Console.WriteLine(page.Url);
await page.GotoAsync(new Uri(new Uri(login), "/metrics/resource/silo-1?meter=Notify&instrument=notify.delivery.lag&duration=5").ToString());
await page.WaitForTimeoutAsync(5000);
await page.ScreenshotAsync(new() { Path = Path.Combine(outDir, "metrics-delivery-lag.png") });
Console.WriteLine(page.Url);

#:package Microsoft.Playwright
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Installs Playwright's own Chromium (into ~/.cache/ms-playwright) for the browser tests, where no system Chromium
// can be installed with apt. test.sh runs it: dotnet run eng/install-browser.cs
return Microsoft.Playwright.Program.Main(["install", "chromium"]);

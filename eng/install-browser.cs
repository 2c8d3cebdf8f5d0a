#:package Microsoft.Playwright
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Installs Playwright's own Chromium (into ~/.cache/ms-playwright) for the browser tests, where no system Chromium
// can be installed with apt. test.sh runs it: dotnet run eng/install-browser.cs [-- --with-deps]
// (--with-deps also installs the browser's system libraries, which takes root).
return Microsoft.Playwright.Program.Main(["install", .. args, "chromium"]);

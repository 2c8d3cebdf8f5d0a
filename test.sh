#!/usr/bin/env bash
# Every test, from a fresh clone with the .NET 10 SDK: installs the browser the demo-page tests drive, where it is
# missing, then runs the test command. .ci/run calls this too.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false

has_chromium() {
  [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] || ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1
}

if ! has_chromium; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || command -v sudo >/dev/null 2>&1; }; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  if ! has_chromium; then
    dotnet run eng/install-browser.cs # Playwright's own Chromium, downloaded
  fi
fi

dotnet --version
dotnet tool restore # the garnet-server tool: the store the cluster tests and the AppHost run
dotnet test Notify.sln --logger "console;verbosity=normal"

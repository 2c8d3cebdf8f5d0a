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
  # Debian's chromium where apt can install it (root, or sudo without a password prompt); where it cannot (another
  # distribution, no rights, Ubuntu's snap-only chromium-browser), Playwright's own Chromium, with its libraries when
  # it may install them.
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
  can_apt=false
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$SUDO" ] || sudo -n true 2>/dev/null; }; then can_apt=true; fi
  if $can_apt; then
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; }; then
      echo "test.sh: apt could not install chromium; using Playwright's Chromium instead" >&2
    fi
  fi
  if ! has_chromium; then
    if $can_apt; then
      dotnet run eng/install-browser.cs -- --with-deps # Playwright's Chromium and the libraries it needs
    else
      dotnet run eng/install-browser.cs # Playwright's Chromium; its libraries must be there already
    fi
  fi
fi

dotnet --version
dotnet tool restore # the garnet-server tool: the store the cluster tests and the AppHost run
log="$(mktemp -t notify-test-XXXXXX.log)"
status=0
dotnet test Notify.sln --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?
if [ "$status" != 0 ]; then
  # A failure's message scrolls far up behind the other tests' output: repeat each failed test's first lines at the end.
  echo "=== failed tests (first 40 lines of each) ==="
  awk '/^  Failed /{n=40} n>0{print; n--}' "$log"
fi
rm -f "$log"
exit "$status"

#!/usr/bin/env bash
# The silo's garbage collections during a Notify.Bench scenario: starts this checkout's Notify.Api (Release, one silo),
# runs the scenario against it, records the runtime's GC events for 15 s mid-run with dotnet-trace, and prints every
# collection's pause, split into suspending the threads and collecting, with what survived and what kept it alive
# (tools/gc-pauses.cs). Needs dotnet-trace (`dotnet tool install -g dotnet-trace`, or DOTNET_TRACE=<path>).
#
#   tools/profile-gc.sh [scenario] [seconds into the run to start recording] [extra server environment ...]
#   e.g. tools/profile-gc.sh manytopics 52 DOTNET_GCgen0size=0x2000000
#
# BENCH_ARGS adds options to the scenario, e.g. BENCH_ARGS="--subscribers 1000 --topics-per-stream 10".
#
# The server is stopped by its own process id when the run ends, and on failure or Ctrl+C too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:-manytopics}
record_after=${2:-52}
shift $(( $# < 2 ? $# : 2 ))
extra_env=("$@")
trace_tool=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
work=$(mktemp -d /tmp/notify-gc-XXXXXX)
source "$root/tools/bench-silo.sh"

start_silo "${extra_env[@]}"
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
start_bench "$scenario" ${BENCH_ARGS:-}
sleep "$record_after"
"$trace_tool" collect -p "$server_pid" --clrevents gc --clreventlevel informational --duration 00:00:00:15 \
  -o "$work/gc.nettrace" >/dev/null
wait_bench
grep -E "Latency ms|Server CPU" "$work/bench.log" || true
dotnet run "$root/tools/gc-pauses.cs" -- "$work/gc.nettrace" | tee "$work/gc-pauses.md" | tail -4
echo "(raw: $work)"

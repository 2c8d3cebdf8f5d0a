#!/usr/bin/env bash
# What the silo allocates during a Notify.Bench scenario, by type and by call site: starts this checkout's Notify.Api
# (Release, one silo), runs the scenario against it, records the runtime's allocation ticks with their stacks for 15 s
# mid-run with dotnet-trace, and prints where the bytes go per published event (tools/alloc-sites.cs). Needs dotnet-trace
# (`dotnet tool install -g dotnet-trace`, or DOTNET_TRACE=<path>).
#
#   tools/profile-alloc.sh [scenario] [seconds into the run to start recording] [events/s offered] [extra server environment ...]
#   e.g. tools/profile-alloc.sh manytopics 52 2000
#
# The rate is passed to the scenario (--rate) and divides the bytes: use a paced scenario whose rate the silo keeps up
# with (the bench's summary, printed first, says whether it did).
#
# The server is stopped by its own process id when the run ends, and on failure or Ctrl+C too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:-manytopics}
record_after=${2:-52}
rate=${3:-2000}
shift $(( $# < 3 ? $# : 3 ))
extra_env=("$@")
trace_tool=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
work=$(mktemp -d /tmp/notify-alloc-XXXXXX)
source "$root/tools/bench-silo.sh"

start_silo "${extra_env[@]}"
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
start_bench "$scenario" --rate "$rate" ${BENCH_ARGS:-}
sleep "$record_after"
"$trace_tool" collect -p "$server_pid" --profile gc-verbose --duration 00:00:00:15 -o "$work/alloc.nettrace" >/dev/null
wait_bench
grep -E "Published|Latency ms|Server CPU" "$work/bench.log" || true
dotnet run "$root/tools/alloc-sites.cs" -- "$work/alloc.nettrace" "$((rate * 15))" | tee "$work/alloc-sites.md" | head -90
echo "(raw: $work)"

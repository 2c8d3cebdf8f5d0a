#!/usr/bin/env bash
# Where one silo's CPU goes, by step of the publish path: starts this checkout's Notify.Api (Release, one silo) with
# perf maps on, runs a Notify.Bench scenario against it, records its CPU with `perf record -g` for 8 s mid-run, and
# prints the samples by step (tools/cpu-by-step.py). Needs `perf` (Debian: linux-perf) and root or
# kernel.perf_event_paranoid <= 1.
#
#   tools/profile-silo.sh [scenario] [seconds into the run to start recording]     e.g. tools/profile-silo.sh manytopics 52
#
# The run starts with Notify.Bench's 30 s warm-up (fewer connections), so the default records from 52 s: about 20 s
# into the measured window of a scenario that connects its subscribers in a few seconds.
#
# The server is stopped by its own process id when the run ends, and on failure or Ctrl+C too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${1:-manytopics}
record_after=${2:-52}
work=$(mktemp -d /tmp/notify-profile-XXXXXX)
source "$root/tools/bench-silo.sh"

# Perf maps name the JIT's code; W^X off so that code is not in a double-mapped file perf cannot attribute.
start_silo DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
start_bench "$scenario"
sleep "$record_after"
perf record -F 499 -g -p "$server_pid" -o "$work/perf.data" -- sleep 8 >/dev/null 2>&1
wait_bench
grep -E "Deliveries per second|Latency ms|Server CPU" "$work/bench.log" || true
perf script -i "$work/perf.data" -F comm,tid,period,ip,sym 2>/dev/null >"$work/perf.txt"
python3 "$root/tools/cpu-by-step.py" "$work/perf.txt" 5
echo "(raw: $work)"

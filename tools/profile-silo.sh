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
server_pid=""
bench_pid=""
cleanup() {
  for pid in $bench_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build -c Release -v q -nologo "$root/Notify.Api" >/dev/null
dotnet build -c Release -v q -nologo "$root/Notify.Bench" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)

# Perf maps name the JIT's code; W^X off so that code is not in a double-mapped file perf cannot attribute.
(cd "$root/Notify.Api/bin/Release/net10.0" && exec env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Orleans__Endpoints__SiloPort="$(free_port)" Orleans__Endpoints__GatewayPort="$(free_port)" \
  Notify__Limits__MaxConnectionsPerClient=10000000 Notify__Limits__PublishesPerSecondPerClient=10000000 \
  Notify__Limits__PublishBurstPerClient=10000000 dotnet Notify.Api.dll) >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

dotnet "$root/Notify.Bench/bin/Release/net10.0/Notify.Bench.dll" "$scenario" --url "http://127.0.0.1:$port/topics" \
  --pid "$server_pid" --out "$work/results" >"$work/bench.log" 2>&1 &
bench_pid=$!
sleep "$record_after"
perf record -F 499 -g -p "$server_pid" -o "$work/perf.data" -- sleep 8 >/dev/null 2>&1
wait "$bench_pid"
bench_pid=""
grep -E "Deliveries per second|Latency ms|Server CPU" "$work/bench.log" || true
perf script -i "$work/perf.data" -F comm,tid,period,ip,sym 2>/dev/null >"$work/perf.txt"
python3 "$root/tools/cpu-by-step.py" "$work/perf.txt" 5
echo "(raw: $work)"

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

(cd "$root/Notify.Api/bin/Release/net10.0" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning Orleans__Endpoints__SiloPort="$(free_port)" Orleans__Endpoints__GatewayPort="$(free_port)" \
  Notify__Limits__MaxConnectionsPerClient=10000000 Notify__Limits__PublishesPerSecondPerClient=10000000 \
  Notify__Limits__PublishBurstPerClient=10000000 "${extra_env[@]}" dotnet Notify.Api.dll) >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

dotnet "$root/Notify.Bench/bin/Release/net10.0/Notify.Bench.dll" "$scenario" --url "http://127.0.0.1:$port/topics" \
  --pid "$server_pid" --out "$work/results" ${BENCH_ARGS:-} >"$work/bench.log" 2>&1 &
bench_pid=$!
sleep "$record_after"
"$trace_tool" collect -p "$server_pid" --clrevents gc --clreventlevel informational --duration 00:00:00:15 \
  -o "$work/gc.nettrace" >/dev/null
wait "$bench_pid"
bench_pid=""
grep -E "Latency ms|Server CPU" "$work/bench.log" || true
dotnet run "$root/tools/gc-pauses.cs" -- "$work/gc.nettrace" | tee "$work/gc-pauses.md" | tail -4
echo "(raw: $work)"

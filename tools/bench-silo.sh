# Sourced by the profiling tools (profile-silo.sh, profile-gc.sh): one Release silo of this checkout with the per-client
# limits out of the way (every connection comes from 127.0.0.1), and a Notify.Bench scenario against it. Both are
# stopped by their own process ids when the tool exits, and on failure or Ctrl+C too. Expects $root and $work.

server_pid=""
bench_pid=""
port=""

stop_bench_and_silo() {
  for pid in $bench_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
}
trap stop_bench_and_silo EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_silo [NAME=value ...]: builds the silo and the bench, starts the silo with that extra environment and waits for
# its /health; sets port and server_pid.
start_silo() {
  dotnet build -c Release -v q -nologo "$root/Notify.Api" >/dev/null
  dotnet build -c Release -v q -nologo "$root/Notify.Bench" >/dev/null
  port=$(free_port)
  (cd "$root/Notify.Api/bin/Release/net10.0" && exec env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Orleans__Endpoints__SiloPort="$(free_port)" Orleans__Endpoints__GatewayPort="$(free_port)" \
    Notify__Limits__MaxConnectionsPerClient=10000000 Notify__Limits__PublishesPerSecondPerClient=10000000 \
    Notify__Limits__PublishBurstPerClient=10000000 dotnet Notify.Api.dll) >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.5; done
  echo "the silo did not become healthy; its log: $work/server.log" >&2
  return 1
}

# start_bench <scenario> [option ...]: runs the scenario against the silo in the background (output in $work/bench.log);
# sets bench_pid. wait_bench waits for it to end.
start_bench() {
  local scenario=$1
  shift
  dotnet "$root/Notify.Bench/bin/Release/net10.0/Notify.Bench.dll" "$scenario" --url "http://127.0.0.1:$port/topics" \
    --pid "$server_pid" --out "$work/results" "$@" >"$work/bench.log" 2>&1 &
  bench_pid=$!
}

wait_bench() {
  wait "$bench_pid" || true
  bench_pid=""
}

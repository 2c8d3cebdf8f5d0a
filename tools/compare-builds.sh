#!/usr/bin/env bash
# Compares one silo of Notify.Api built from another revision with this checkout's, in the same run on this machine:
# each scenario runs against a fresh server of each build in turn (the order alternates per round), measured by this
# checkout's Notify.Bench. For refactors and hot-path changes ("no regression" needs a before and an after).
#
#   tools/compare-builds.sh <before-revision> [rounds] [scenario ...]     e.g. tools/compare-builds.sh HEAD~3 3 fanout manytopics
#
# BEFORE_ENV / AFTER_ENV (space-separated NAME=value) are added to that arm's server environment only, to compare a
# runtime setting on one build: BEFORE_ENV= AFTER_ENV="DOTNET_GCgen0size=0x4000000" tools/compare-builds.sh HEAD 2 manytopics
#
# The per-client limits are raised out of the way (every connection comes from 127.0.0.1, one client to the limits).
# Every server is stopped by its own process id when its run ends, and on failure or Ctrl+C too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
before=${1:?usage: tools/compare-builds.sh <before-revision> [rounds] [scenario ...]}
rounds=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then scenarios=(fanout manytopics); fi

work=$(mktemp -d /tmp/notify-compare-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  git -C "$root" worktree remove --force "$work/before" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git -C "$root" worktree add -q --detach "$work/before" "$before"
echo "building $before and this checkout (Release)"
dotnet build -c Release -v q -nologo "$work/before/Notify.Api" >/dev/null
dotnet build -c Release -v q -nologo "$root/Notify.Api" >/dev/null
dotnet build -c Release -v q -nologo "$root/Notify.Bench" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# run <label> <checkout> <scenario> <round>
run() {
  local label=$1 checkout=$2 scenario=$3 round=$4 port extra
  port=$(free_port)
  if [ "$label" = before ]; then extra=${BEFORE_ENV:-}; else extra=${AFTER_ENV:-}; fi
  (cd "$checkout/Notify.Api/bin/Release/net10.0" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
    Logging__LogLevel__Default=Warning Orleans__Endpoints__SiloPort="$(free_port)" Orleans__Endpoints__GatewayPort="$(free_port)" \
    Notify__Limits__MaxConnectionsPerClient=10000000 Notify__Limits__PublishesPerSecondPerClient=10000000 \
    Notify__Limits__PublishBurstPerClient=10000000 $extra dotnet Notify.Api.dll) >"$work/$label-$scenario-$round.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/$label-$scenario-$round.log"; exit 1; }
    sleep 0.1
  done
  dotnet "$root/Notify.Bench/bin/Release/net10.0/Notify.Bench.dll" "$scenario" --url "http://127.0.0.1:$port/topics" \
    --pid "$server_pid" --target "$label" --out "$work/results/$round" >/dev/null || echo "$label $scenario round $round: the run reported a loss (exit $?)"
  kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

for round in $(seq 1 "$rounds"); do
  for scenario in "${scenarios[@]}"; do
    if [ $((round % 2)) -eq 1 ]; then order=(before after); else order=(after before); fi
    for label in "${order[@]}"; do
      echo "round $round: $scenario against $label"
      if [ "$label" = before ]; then run before "$work/before" "$scenario" "$round"; else run after "$root" "$scenario" "$round"; fi
    done
  done
done

python3 - "$work/results" <<'PY'
import json, pathlib, sys, statistics
rows = [json.loads(p.read_text()) for p in pathlib.Path(sys.argv[1]).rglob("*.json")]
print("| scenario | build | runs | connect s | deliveries/s | publishes/s | latency p50 ms | p99 ms | server CPU % | memory per connection KiB | missing / dup / out of order |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for scenario in sorted({r["scenario"] for r in rows}):
    for target in ("before", "after"):
        runs = [r for r in rows if r["scenario"] == scenario and r["target"] == target]
        if not runs: continue
        med = lambda f: statistics.median(f(r) for r in runs)
        rng = lambda f, d: f"{med(f):,.{d}f} [{min(f(r) for r in runs):,.{d}f}–{max(f(r) for r in runs):,.{d}f}]"
        errors = "/".join(str(sum(r[k] for r in runs)) for k in ("missing", "duplicates", "outOfOrder"))
        print(f"| {scenario} | {target} | {len(runs)} | {rng(lambda r: r['connectSeconds'], 2)} | {rng(lambda r: r['deliveriesPerSecond'], 0)} | {rng(lambda r: r['publishedPerSecond'], 0)} "
              f"| {rng(lambda r: r['latencyMs']['p50'], 2)} | {rng(lambda r: r['latencyMs']['p99'], 1)} | {rng(lambda r: r['serverCpuPercent'] or 0, 1)} "
              f"| {rng(lambda r: (r['serverMemoryPerConnectionBytes'] or 0) / 1024, 2)} | {errors} |")
PY

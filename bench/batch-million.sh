#!/usr/bin/env bash
# The million-row `gerbang verify-batch` run of issue 22 (item 5), reproducible:
#   bench/batch-million.sh        (ROWS, KILL_AT, WORK, SAMPLES, CLIENT_NODE_OPTIONS, KEEP=1)
# A demo instance in $WORK (gateway `gerbang serve` and simulator `gerbang sim` as separate
# processes, the simulator's daily quota raised to 10 M: the demo client's own limits are 10,000/s
# and 10 M a day already), a generated input of $ROWS rows (never committed; deleted at the end
# unless KEEP=1), the batch under `nice -n 10`, SIGKILLed once the checkpoint holds $KILL_AT rows
# and then resumed by the same command. Every 10 s: the client's and the gateway's VmRSS and CPU
# seconds (utime+stime, /proc/PID/stat) and the rows in the checkpoint, into $SAMPLES.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROWS=${ROWS:-1000000}
KILL_AT=${KILL_AT:-300000}
WORK=${WORK:-/tmp/gb-million}
SAMPLES=${SAMPLES:-$WORK/samples.csv}
GP=${GP:-18443}
SP=${SP:-18090}
# The client's V8 heap bounded: without it V8 lets the heap float with the allocation rate
# (run 1 of 2026-12-04, unbounded: 132-180 MB, falling back each time). These are the options
# deploy/gerbang-cli.sh gives verify-batch (docs/bulk-verification.md).
CLIENT_NODE_OPTIONS=${CLIENT_NODE_OPTIONS---max-old-space-size=80 --max-semi-space-size=4}
# The compiled CLI (`npm run build`, as the bench runs the gateway): `bin/gerbang.js` transpiles
# the sources in-process with tsx, about 27 MB more RSS from the start.
BIN=${BIN:-dist/gateway/cli/main.js}
cd "$REPO"
[ -f "$BIN" ] || npm run build
mkdir -p "$WORK"
export GERBANG_DATA_DIR="$WORK/instance" GERBANG_PORT="$GP" GERBANG_SIM_PORT="$SP"
IN="$WORK/wajib-pajak.csv"
OUT="$WORK/hasil.csv"
PROGRESS="$OUT.progress"
TICK=$(getconf CLK_TCK)

[ -s "$IN" ] || node bin/run-ts.js bench/batch-million-gen.ts "$IN" "$ROWS" | tee "$WORK/generated-counts.json"

healthy() { for _ in $(seq 120); do node "$BIN" health >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }
if [ ! -d "$GERBANG_DATA_DIR" ]; then
  # `gerbang demo`'s first start creates the instance; stopped once it serves.
  node "$BIN" demo >"$WORK/demo.log" 2>&1 &
  DEMO=$!
  healthy
  kill "$DEMO"
  wait "$DEMO" || true
fi
node "$BIN" sim >"$WORK/sim.log" 2>&1 &
SIM=$!
# The gateway with production's heap cap (deploy/systemd/gerbang.service, docs/performance.md).
node --max-old-space-size=192 "$BIN" serve >/dev/null 2>"$WORK/serve.err" &
GW=$!
trap 'kill $SIM $GW 2>/dev/null || true' EXIT
healthy
curl -fsS -X POST "http://127.0.0.1:$SP/__sim/config" -d '{"dailyQuota":10000000}' >/dev/null

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo ''; }
cpu() { awk -v t="$TICK" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo ''; }
done_rows() { [ -f "$PROGRESS" ] && echo $(( $(wc -l <"$PROGRESS") - 1 )) || echo 0; }
echo 'utc,elapsed_s,phase,client_rss_kb,client_cpu_s,gateway_rss_kb,gateway_cpu_s,checkpoint_rows' >"$SAMPLES"
START=$(date +%s)
sample() { echo "$(date -u +%FT%TZ),$(( $(date +%s) - START )),$1,$(rss "$2"),$(cpu "$2"),$(rss $GW),$(cpu $GW),$(done_rows)" >>"$SAMPLES"; }

batch() {
  # /usr/bin/time reports the client's own wall, CPU and peak RSS when it ends.
  NODE_OPTIONS="$CLIENT_NODE_OPTIONS" nice -n 10 /usr/bin/time -f "$1: wall %e s, user %U s, sys %S s, max RSS %M kB, exit %x" \
    node "$BIN" verify-batch --in "$IN" --out "$OUT" --purpose verifikasi-massal \
    --gateway "https://127.0.0.1:$GP" >"$WORK/$1.out" 2>"$WORK/$1.err" &
  TIMEPID=$!
  sleep 0.5
  CLIENT=$(pgrep -P "$TIMEPID" -n || true)
}

# Run 1: killed with SIGKILL once the checkpoint holds $KILL_AT rows.
batch run1
while kill -0 "$TIMEPID" 2>/dev/null; do
  sample run1 "$CLIENT"
  if [ "$(done_rows)" -ge "$KILL_AT" ]; then
    kill -9 "$CLIENT"
    echo "$(date -u +%FT%TZ) SIGKILL at $(done_rows) checkpoint rows" | tee -a "$WORK/events.log"
    break
  fi
  sleep 10
done
wait "$TIMEPID" || true
sample killed "$CLIENT"

# Run 2: the same command resumes.
batch run2
while kill -0 "$TIMEPID" 2>/dev/null; do
  sample run2 "$CLIENT"
  sleep 10
done
wait "$TIMEPID" || true
sample done "$CLIENT"
END=$(date +%s)
echo "wall $(( END - START )) s for $ROWS rows: $(( ROWS / (END - START) )) rows/s" | tee -a "$WORK/events.log"
tail -n 3 "$WORK/run1.err" "$WORK/run2.err"
cat "$WORK/run2.out"
# The output's rows and outcomes, then the generated file and the output are deleted.
awk -F, 'NR > 1 {n[$3]++} END {for (k in n) print k, n[k]}' "$OUT" | sort | tee "$WORK/outcomes.txt"
if [ "${KEEP:-0}" != 1 ]; then rm -rf "$IN" "$OUT" "$GERBANG_DATA_DIR"; fi

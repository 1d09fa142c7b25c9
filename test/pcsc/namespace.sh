#!/usr/bin/env bash
# Inside `unshare -n -m --pid` (test/pcsc.test.ts): loopback with quickack (vpcd's small packets
# otherwise wait ~40 ms for delayed ACKs), a private /run/pcscd, pcscd in the foreground, then the
# scenario. This script is the PID namespace's first process: when it ends, so does all of it.
set -euo pipefail
ip link set lo up
ip route replace local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1
mkdir -p /run/pcscd
mount -t tmpfs tmpfs /run/pcscd
pcscd -f >/dev/null 2>&1 &
export PCSCD_PID=$!
# pcscd creates its socket when ready.
for _ in $(seq 1 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
status=0
node "$(dirname "$0")/../../bin/run-ts.js" "$(dirname "$0")/scenario.ts" || status=$?
kill "$PCSCD_PID" 2>/dev/null || true
exit "$status"

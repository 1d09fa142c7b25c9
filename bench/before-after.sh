#!/bin/sh
# The before/after of a performance change, like for like: this checkout's bench (bench/*.ts)
# run on an old commit and then on a new one, one after the other, on the same machine.
#   bench/before-after.sh OLD [NEW]     (NEW defaults to HEAD)
# Each commit is checked out in a temporary worktree; the bench only starts the commit's own
# gateway, simulator and bare proxy. node_modules is shared when the lockfiles are the same,
# installed with `npm ci` otherwise. Settings as for `npm run bench` (BENCH_ROUNDS, ...); the
# default here is 3 rounds and a 120 s soak. Each run's latest.json is kept beside this checkout's
# as bench/results/before-after-<commit>.json.
set -eu
old="$1"
new="${2:-HEAD}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'for t in "$work"/*; do git -C "$here" worktree remove --force "$t" 2>/dev/null || true; done; rm -rf "$work"' EXIT
mkdir -p "$here/bench/results"
for commit in "$old" "$new"; do
  short="$(git -C "$here" rev-parse --short "$commit")"
  tree="$work/$short"
  git -C "$here" worktree add --detach -q "$tree" "$commit"
  cp "$here"/bench/*.ts "$tree/bench/"
  if cmp -s "$here/package-lock.json" "$tree/package-lock.json"; then
    ln -s "$here/node_modules" "$tree/node_modules"
  else
    (cd "$tree" && npm ci --no-audit --no-fund >/dev/null)
  fi
  echo "=== $short $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && BENCH_ROUNDS="${BENCH_ROUNDS:-3}" BENCH_SOAK_SECONDS="${BENCH_SOAK_SECONDS:-120}" npm run bench)
  result=latest.json
  [ "${BENCH_SMOKE:-}" = 1 ] && result=smoke.json
  cp "$tree/bench/results/$result" "$here/bench/results/before-after-$short.json"
done

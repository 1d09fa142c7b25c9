#!/bin/sh
# /usr/local/bin/gerbang: the command line as production runs it, compiled (docs/operations.md).
#
# verify-batch keeps a few bytes a row, but V8 lets an unbounded heap float with the request
# rate: over a million rows its client ranged 132-180 MB with no trend, and 105-145 MB with the
# heap bounded as below (docs/bulk-verification.md, "Memory"). An operator's own NODE_OPTIONS
# wins. The other commands keep Node's defaults: `audit verify` and the reports read whole
# trails.
GERBANG_HOME="${GERBANG_HOME:-/opt/gerbang}"
case "${1:-}" in
  verify-batch)
    NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=80 --max-semi-space-size=4}"
    export NODE_OPTIONS
    ;;
esac
exec "${GERBANG_NODE:-/usr/bin/node}" "$GERBANG_HOME/dist/gateway/cli/main.js" "$@"

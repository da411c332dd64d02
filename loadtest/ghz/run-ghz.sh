#!/usr/bin/env bash
# Runs ghz against a strobe server with loadtest/ghz/ghz.json and prints the load driver's summary.
#
#   loadtest/ghz/run-ghz.sh [--target HOST:PORT] [--protoset FILE] [--data FILE] [--concurrency N]
#                           [--duration 30s | --total N] [--rps R] [--timeout 120s] [--out DIR]
#                           [--max-errors RATIO] [-- EXTRA GHZ FLAGS]
#
# By default ghz finds the service through the server's reflection; --protoset uses the descriptor set
# built by Maven instead (proto/target/protoset/strobe.protoset). --timeout is ghz's per-call timeout,
# which covers a whole stream (ghz's own default of 20 s would cut long generations; ghz.json sets 120 s).
# Failed calls are counted (--count-errors) and messages up to 64 MiB accepted. Writes DIR/ghz-config.json (the config
# actually used), DIR/ghz-report.json (ghz -O json) and DIR/summary.json, and prints the summary with
# the driver's JSON object as the last line. ghz exits 0 even when calls fail, so this script reads the
# status-code distribution and exits 1 when the error ratio exceeds --max-errors (default 0.01) or no
# call completed. Exits 127 when ghz is not installed, 2 on bad arguments.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python_bin="${PYTHON:-python3}"
target="localhost:50051"
protoset=""
data_file=""
concurrency=""
duration=""
total=""
rps=""
timeout=""
out="ghz-out"
max_errors="0.01"
extra=()

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
need() { [[ $# -ge 2 && -n "$2" ]] || { echo "run-ghz.sh: $1 needs a value" >&2; usage >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) need "$@"; target="$2"; shift 2 ;;
    --protoset) need "$@"; protoset="$2"; shift 2 ;;
    --data) need "$@"; data_file="$2"; shift 2 ;;
    --concurrency) need "$@"; concurrency="$2"; shift 2 ;;
    --duration) need "$@"; duration="$2"; shift 2 ;;
    --total) need "$@"; total="$2"; shift 2 ;;
    --rps) need "$@"; rps="$2"; shift 2 ;;
    --timeout) need "$@"; timeout="$2"; shift 2 ;;
    --out) need "$@"; out="$2"; shift 2 ;;
    --max-errors) need "$@"; max_errors="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run-ghz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [[ -n "$duration" && -n "$total" ]]; then
  echo "run-ghz.sh: give --duration or --total, not both" >&2
  exit 2
fi
for file in "$protoset" "$data_file"; do
  if [[ -n "$file" && ! -r "$file" ]]; then
    echo "run-ghz.sh: cannot read $file (for the protoset, build it first: mvn -B -q -pl proto package)" >&2
    exit 2
  fi
done

if ! command -v ghz >/dev/null 2>&1; then
  # Builtins only up to here, so this message works on any PATH.
  printf '%s\n' "run-ghz.sh: ghz is not on the PATH, so nothing was run." \
    "  Install it with Go 1.23 or newer (the version CI uses):" \
    "    go install github.com/bojand/ghz/cmd/ghz@v0.121.0   # then put \$(go env GOPATH)/bin on the PATH" \
    "  Our own driver measures more (time to first preview, open-loop latency):" \
    "    ./strobe loadtest --target HOST:PORT" >&2
  exit 127
fi

mkdir -p "$out"
config="$out/ghz-config.json"
report="$out/ghz-report.json"
# Compose the effective config in one file, so that no precedence rule between --config and flags matters.
"$python_bin" - "$here/ghz.json" "$config" "$target" "$protoset" "$data_file" "$concurrency" "$duration" \
    "$total" "$rps" "$timeout" "$report" <<'PY'
import json, os, sys
src, dst, target, protoset, data_file, concurrency, duration, total, rps, timeout, report = sys.argv[1:]
with open(src) as f:
    cfg = json.load(f)
cfg["host"] = target
if protoset:
    cfg["protoset"] = os.path.abspath(protoset)
if data_file:
    cfg.pop("data", None)
    cfg["data-file"] = os.path.abspath(data_file)
if concurrency:
    cfg["concurrency"] = int(concurrency)
if duration:
    cfg["duration"] = duration
    cfg.pop("total", None)
if total:
    cfg["total"] = int(total)
    cfg.pop("duration", None)
if rps:
    cfg["rps"] = int(float(rps))
if timeout:
    cfg["timeout"] = timeout
cfg["format"] = "json"
cfg["output"] = os.path.abspath(report)
with open(dst, "w") as f:
    json.dump(cfg, f, indent=2)
PY

echo "run-ghz.sh: ghz --config $config ${extra[*]:-}" >&2
ghz --config "$config" "${extra[@]}"

summary_args=("$report")
[[ -n "$rps" ]] && summary_args+=(--offered-rate "$rps")
"$python_bin" "$here/ghz_summary.py" "${summary_args[@]}" | tee "$out/summary.txt"
tail -n 1 "$out/summary.txt" > "$out/summary.json"

"$python_bin" - "$out/summary.json" "$max_errors" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
limit = float(sys.argv[2])
if summary["completed"] == 0:
    sys.exit("run-ghz.sh: no call completed (errors: %s)" % summary["errors"])
if summary["error_ratio"] > limit:
    sys.exit("run-ghz.sh: error ratio %.3f exceeds --max-errors %.3f (errors: %s)"
             % (summary["error_ratio"], limit, summary["errors"]))
PY

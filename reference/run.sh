#!/usr/bin/env bash
# The whole comparison in one command: builds the pinned venv (reference/venv.sh), makes the
# random-weight SDXL-structured pipeline (make_pipeline.py), exports it the way users do
# (optimum-cli export onnx --task text-to-image, plus trt-engines/scripts/export_unet_onnx.py for the
# [B]-timestep UNet, fp32 and fp16), imports each export with ./strobe import-optimum, serves them
# with ./strobe serve, and runs compare.py against diffusers. Prints the table; exits non-zero when
# an fp32 case is over the tolerance (max 2/255, mean 0.5/255). --cases ci runs one case per step
# count (1, 2, 4, 8) on optimum's export only (what .ci/reference.sh runs).
#
#   reference/run.sh [--cases all|ci] [--work DIR] [--port 50071]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cases=all
work="${TMPDIR:-/tmp}/strobe-reference"
port=50071
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONWARNINGS=ignore TOKENIZERS_PARALLELISM=false
start=$SECONDS
venv="$("$here/venv.sh")"
py="$venv/bin/python"
echo "== venv ready ($((SECONDS - start)) s): $venv"

rm -rf "$work"
mkdir -p "$work/models"
t=$SECONDS
"$py" "$here/make_pipeline.py" --out "$work/pipeline" --preset small --seed 0
echo "== pipeline made ($((SECONDS - t)) s)"

t=$SECONDS
"$venv/bin/optimum-cli" export onnx --model "$work/pipeline" --task text-to-image "$work/export" \
  > "$work/export.log" 2>&1 || { tail -30 "$work/export.log"; exit 1; }
if [ "$cases" = all ]; then
  "$py" "$repo/trt-engines/scripts/export_unet_onnx.py" --unet "$work/pipeline/unet" --out "$work/unet-b" \
    > "$work/export-b.log" 2>&1 || { tail -30 "$work/export-b.log"; exit 1; }
  "$py" "$repo/trt-engines/scripts/export_unet_onnx.py" --unet "$work/pipeline/unet" --out "$work/unet-b16" --fp16 \
    > "$work/export-b16.log" 2>&1 || { tail -30 "$work/export-b16.log"; exit 1; }
fi
echo "== exported ($((SECONDS - t)) s)"

# one model folder per served model: a copy of the export and its model.json
t=$SECONDS
import_model() {  # name steps unet-folder [import options...]
  local name="$1" steps="$2" unet="$3"; shift 3
  cp -r "$work/export" "$work/models/$name"
  if [ -n "$unet" ]; then rm -rf "$work/models/$name/unet"; cp -r "$unet" "$work/models/$name/unet"; fi
  "$repo/strobe" import-optimum --dir "$work/models/$name" --name "$name" --steps "$steps" \
    --min-size 256 --default-size 512 --max-size 1024 "$@" | tail -1
}
import_model ref-1step 1 "" --prediction sample
import_model ref-2step 2 ""
import_model ref-4step 4 ""
import_model ref-8step 8 ""
if [ "$cases" = all ]; then
  import_model ref-4step-b 4 "$work/unet-b"
  import_model ref-4step-fp16 4 "$work/unet-b16"
fi
echo "== imported ($((SECONDS - t)) s)"

"$repo/strobe" serve --models "$work/models" --port "$port" --http-port -1 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
t=$SECONDS
set +e
"$py" "$here/compare.py" --pipeline "$work/pipeline" --target "localhost:$port" --cases "$cases" \
  --json "$work/results.json"
rc=$?
set -e
echo "== compared ($((SECONDS - t)) s); whole run $((SECONDS - start)) s; results in $work/results.json"
if [ $rc -ne 0 ]; then
  echo "server log: $work/serve.log" >&2
  tail -20 "$work/serve.log" >&2
fi
exit $rc

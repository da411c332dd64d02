#!/usr/bin/env bash
# GPU route checks that need no GPU: the GPU tier (mvn -Pgpu) must compile and, on a machine without
# TensorRT, skip with one "GPU tier skipped:" line per test class; the VAE export script's own tests.
# Runs after `mvn -B verify` in .ci/run, so the modules are already compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
echo "== gpu"
log=target/ci-gpu-tier.log
mkdir -p target
mvn -B -Pgpu -pl trt-engines,server -am verify >"$log" 2>&1 || { tail -50 "$log"; echo "the GPU tier failed"; exit 1; }
skipped=$(grep -c '^GPU tier skipped: TensorRT backend unavailable: ' "$log" || true)
ran=$(grep -c 'ms median of 5' "$log" || true)
if [ "$skipped" -ne 2 ] && [ "$ran" -eq 0 ]; then
  tail -50 "$log"; echo "expected two 'GPU tier skipped:' lines (or GPU results), found $skipped"; exit 1
fi
grep -E '^GPU tier' "$log" | sort -u
(cd trt-engines/scripts && python3 -m unittest test_export_vae_onnx.py)
echo "gpu: $(( $(date +%s) - start )) s"

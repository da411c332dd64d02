#!/usr/bin/env bash
# strobe against diffusers and optimum end to end (issue 10): builds the pinned reference venv
# (shared with .ci/fidelity.sh, so torch is installed once; cached in ~/.cache/strobe), makes the
# random-weight SDXL-structured pipeline, exports it with optimum-cli, imports it, serves it and
# compares one case per step count (1, 2, 4, 8) with diffusers (reference/run.sh --cases ci).
# Fails when a case is over max 2/255 or mean 0.5/255. `mvn -B verify` checks the committed
# golden fixtures (DiffusersFixtureTest) without Python; this script checks the live stack, and
# regenerates those fixtures (reference/fixtures.py) and fails if any file differs from the
# committed one (a reference upgrade or a machine that changes an exported byte or a pixel).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== reference comparison against diffusers (reference/run.sh --cases ci)"
start=$SECONDS
reference/venv.sh > /dev/null
echo "venv ready after $((SECONDS - start)) s"
reference/run.sh --cases ci --work "${TMPDIR:-/tmp}/strobe-reference-ci" --port "${STROBE_REFERENCE_PORT:-50071}"
echo "== golden fixtures regenerated (reference/fixtures.py) against the committed ones"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
# The fixtures were made on an AVX2 CPU: pin torch's, oneDNN's and MKL's kernels to AVX2 so that a
# CPU with AVX-512 computes the same bytes (each library otherwise picks its widest kernels).
ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 \
HF_HUB_OFFLINE=1 PYTHONWARNINGS=ignore "$(reference/venv.sh)/bin/python" reference/fixtures.py --out "$fresh" \
  > "$fresh.log" 2>&1 || { tail -30 "$fresh.log"; exit 1; }
if ! diff -r -q "$fresh" server/src/test/resources/reference --exclude=.gitattributes; then
  echo "reference fixtures differ from the committed ones: see reference/README.md (regenerate, run"
  echo "DiffusersFixtureTest, commit)"
  exit 1
fi
echo "golden fixtures identical"
echo "reference comparison done ($((SECONDS - start)) s)"

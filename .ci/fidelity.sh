#!/usr/bin/env bash
# Regenerates every fidelity fixture (server/src/test/resources/fidelity/) with the real reference
# packages (torch, diffusers, transformers, ftfy, regex) from PyPI and fails if any differs from
# the committed one: a reference upgrade or a different machine that changes a number is noticed
# here, and `mvn -B verify` keeps checking strobe against the committed numbers without torch.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== fidelity fixtures against the reference packages"
start=$SECONDS
kit=reference/fidelity
# one venv for this kit and reference/ (torch is installed once): see reference/venv.sh
venv=$(reference/venv.sh)
echo "venv ready after $((SECONDS - start)) s"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for generator in noise schedule tokens pretokenizer images; do
  "$venv/bin/python" -W ignore "$kit/$generator.py" --out "$out" | sed 's/^/  /'
done
"$venv/bin/python" reference/fidelity/compare_fixtures.py "$out" server/src/test/resources/fidelity
echo "fidelity fixtures identical ($((SECONDS - start)) s)"

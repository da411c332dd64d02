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
hash=$(cat "$kit/requirements.txt" "$kit/requirements-cuda-libs.txt" | sha256sum | cut -c1-12)
venv="${STROBE_FIDELITY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/strobe/fidelity-venv-$hash}"
if [ ! -f "$venv/.complete" ]; then
  echo "building $venv from PyPI"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --no-deps -r "$kit/requirements.txt" -r "$kit/requirements-cuda-libs.txt"
  touch "$venv/.complete"
fi
echo "venv ready after $((SECONDS - start)) s"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for generator in noise schedule tokens pretokenizer images; do
  "$venv/bin/python" -W ignore "$kit/$generator.py" --out "$out" | sed 's/^/  /'
done
"$venv/bin/python" reference/fidelity/compare_fixtures.py "$out" server/src/test/resources/fidelity
echo "fidelity fixtures identical ($((SECONDS - start)) s)"

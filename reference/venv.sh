#!/usr/bin/env bash
# Builds (once) the Python environment both reference kits run in and prints its path on stdout:
# reference/fidelity/requirements.txt (torch, transformers, diffusers, ...), the nvidia wheels
# PyPI's Linux torch links (reference/fidelity/requirements-cuda-libs.txt) and the optimum/onnx/gRPC
# layer (reference/requirements.txt), all pinned and installed together with --no-deps, so torch is
# downloaded once and nothing unpinned comes in. The path depends on the pins:
# ${XDG_CACHE_HOME:-~/.cache}/strobe/reference-venv-<hash>, or $STROBE_REFERENCE_VENV.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
files=("$here/fidelity/requirements.txt" "$here/fidelity/requirements-cuda-libs.txt" "$here/requirements.txt")
hash=$(cat "${files[@]}" | sha256sum | cut -c1-12)
venv="${STROBE_REFERENCE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/strobe/reference-venv-$hash}"
if [ ! -f "$venv/.complete" ]; then
  start=$SECONDS
  echo "venv.sh: building $venv from PyPI" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  args=()
  for f in "${files[@]}"; do args+=(-r "$f"); done
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps "${args[@]}" >&2
  touch "$venv/.complete"
  echo "venv.sh: installed in $((SECONDS - start)) s" >&2
fi
echo "$venv"

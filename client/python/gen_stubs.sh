#!/usr/bin/env bash
# Generates the Python gRPC stubs of strobe.v1 into client/python/gen/ (git-ignored) with protoc and
# grpc_python_plugin (Debian: protobuf-compiler, protobuf-compiler-grpc). protoc must be 3.15 or newer
# because the contract uses proto3 `optional`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_root="$(cd "$here/../../proto/src/main/proto" && pwd)"
out="$here/gen"
protoc_bin="${PROTOC:-protoc}"
plugin="${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}"

if ! command -v "$protoc_bin" >/dev/null 2>&1; then
  echo "gen_stubs.sh: protoc not found; install it with: apt-get install protobuf-compiler" >&2
  exit 3
fi
if [[ -z "$plugin" || ! -x "$plugin" ]]; then
  echo "gen_stubs.sh: grpc_python_plugin not found; install it with: apt-get install protobuf-compiler-grpc" >&2
  exit 3
fi

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
"$protoc_bin" -I "$proto_root" \
  --python_out="$out.tmp" \
  --grpc_python_out="$out.tmp" \
  --plugin=protoc-gen-grpc_python="$plugin" \
  strobe/v1/strobe.proto
touch "$out.tmp/strobe/__init__.py" "$out.tmp/strobe/v1/__init__.py"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "gen_stubs.sh: wrote $(cd "$out" && find . -name '*.py' | sort | tr '\n' ' ')"

#!/usr/bin/env bash
# Checks the Python and Node example clients against a strobe server.
#
#   client/test-clients.sh HOST:PORT   # a server that is already running
#   client/test-clients.sh --fake      # first starts the fake server from client's Java test classes
#
# Each client generates one image (seed 42) into a temporary folder; the check passes when the client
# exits 0, image0.png starts with the PNG signature and is not empty, and at least one preview file
# arrived. Needs /usr/bin/python3 with python3-grpcio, protoc and grpc_python_plugin (Debian packages
# python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc), Node 18+ and npm (the Node
# dependencies are installed with `npm ci` when client/node/node_modules is missing).
# Ends with the line "clients: N passed, N failed"; exits non-zero when any check failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
python_bin="${PYTHON:-/usr/bin/python3}"
prompt="${STROBE_TEST_PROMPT:-a lighthouse on a cliff at dusk}"

if [[ $# -ne 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/strobe-clients.XXXXXX")"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

start_fake_server() {
  echo "== building the fake server (client test classes)"
  if ! (cd "$root" && mvn -q -B -pl client -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >"$work/mvn.log" 2>&1); then
    cat "$work/mvn.log" >&2
    echo "error: could not build the fake server" >&2
    exit 1
  fi
  local cp="$root/client/target/test-classes:$root/client/target/classes:$(cat "$root/client/target/test-classpath.txt")"
  java -cp "$cp" dev.strobe.client.testing.FakeStrobeServerMain 0 "$work/port" >"$work/fake.log" 2>&1 &
  fake_pid=$!
  for _ in $(seq 1 300); do
    [[ -s "$work/port" ]] && break
    if ! kill -0 "$fake_pid" 2>/dev/null; then
      cat "$work/fake.log" >&2
      echo "error: the fake server exited" >&2
      exit 1
    fi
    sleep 0.2
  done
  [[ -s "$work/port" ]] || { echo "error: the fake server did not start within 60 s" >&2; exit 1; }
  target="127.0.0.1:$(tr -d '[:space:]' < "$work/port")"
  echo "== fake server on $target"
}

if [[ "$1" == "--fake" ]]; then
  start_fake_server
else
  target="$1"
fi

passed=0
failed=0

# check NAME DIR EXIT_CODE: the PNG and preview checks of one client run.
check() {
  local name="$1" dir="$2" rc="$3" problems=()
  local png="$dir/image0.png"
  if [[ "$rc" -ne 0 ]]; then
    problems+=("exited with $rc")
  fi
  if [[ ! -s "$png" ]]; then
    problems+=("$png is missing or empty")
  elif [[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
    problems+=("$png does not start with the PNG signature")
  fi
  if ! compgen -G "$dir/image0-step*.*" >/dev/null; then
    problems+=("no preview file in $dir")
  fi
  if [[ ${#problems[@]} -eq 0 ]]; then
    echo "PASS $name: $(stat -c %s "$png") byte PNG, $(compgen -G "$dir/image0-step*.*" | wc -l) preview(s)"
    passed=$((passed + 1))
  else
    for p in "${problems[@]}"; do echo "FAIL $name: $p"; done
    echo "---- $name output"; cat "$dir.log"
    failed=$((failed + 1))
  fi
}

echo "== python client -> $target"
"$python_bin" "$here/python/generate.py" generate --target "$target" --prompt "$prompt" --seed 42 \
  --out "$work/python" >"$work/python.log" 2>&1
check python "$work/python" $?

echo "== node client -> $target"
node_rc=0
if [[ ! -d "$here/node/node_modules" ]]; then
  (cd "$here/node" && npm ci --no-audit --no-fund >"$work/npm.log" 2>&1) || { cat "$work/npm.log"; node_rc=1; }
fi
if [[ $node_rc -eq 0 ]]; then
  node "$here/node/generate.js" generate --target "$target" --prompt "$prompt" --seed 42 \
    --out "$work/node" >"$work/node.log" 2>&1
  node_rc=$?
else
  echo "npm ci failed" >"$work/node.log"
fi
check node "$work/node" $node_rc

echo "clients: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

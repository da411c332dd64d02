#!/usr/bin/env bash
# CI for the HTTP frontend with clients no one here wrote, against a live server on the tiny models:
#   - the live-preview page in Debian's Chromium, driven by playwright-core (web-tests/browser.test.mjs)
#   - OpenAI's official Node SDK (npm `openai`, web-tests/openai-sdk.test.mjs)
#   - OpenAI's official Python SDK (PyPI `openai`, web-tests/openai_sdk_test.py)
#   - curl -N on the event stream (web-tests/curl-sse.sh)
# Versions are pinned in web-tests/package-lock.json and web-tests/requirements.txt. Runs as root on
# a fresh Debian 12 with Java 17, Maven, Python 3.11 and Node 20; installs chromium (apt), the npm
# packages (npm ci) and a venv. Builds the server if `mvn verify` has not. The page's screenshot
# goes to target/web/web-page.png (docs/web-page.png is the committed copy).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
start=$(date +%s)
out="$root/target/web"
mkdir -p "$out"

echo "== web: chromium, npm ci, python venv"
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
(cd web-tests && npm ci --no-audit --no-fund --loglevel=error)
if [ ! -x web-tests/.venv/bin/python ]; then python3 -m venv web-tests/.venv; fi
web-tests/.venv/bin/pip install -q --disable-pip-version-check --no-deps -r web-tests/requirements.txt
echo "web: set up in $(( $(date +%s) - start )) s"

echo "== web: server"
log="$out/serve.log"
: >"$log"
# with a bearer token, so the page's token field and the SDKs' API key are exercised too
export STROBE_TOKEN="ci-web-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
STROBE_AUTH_TOKENS="$STROBE_TOKEN" ./strobe serve --port 0 --http-port 0 ${STROBE_MODELS_DIR:+--models "$STROBE_MODELS_DIR"} >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  if grep -q "strobe listening on port" "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; echo "server exited"; exit 1; fi
  sleep 1
done
grep -q "strobe listening on port" "$log" || { cat "$log"; echo "server did not start"; exit 1; }
http_port=$(sed -n 's/^strobe http listening on port \([0-9]*\)$/\1/p' "$log" | head -1)
export STROBE_HTTP="http://127.0.0.1:$http_port" STROBE_LOG="$log" OUT="$out"
echo "web: server at $STROBE_HTTP"

echo "== web: the page in Chromium (playwright-core)"
(cd web-tests && SCREENSHOT="$out/web-page.png" CHROMIUM="$(command -v chromium)" node browser.test.mjs)
echo "== web: OpenAI's Node SDK"
(cd web-tests && node openai-sdk.test.mjs)
echo "== web: OpenAI's Python SDK"
web-tests/.venv/bin/python web-tests/openai_sdk_test.py
echo "== web: curl -N"
web-tests/curl-sse.sh

echo "== web: graceful stop"
kill -TERM "$server"
wait "$server"
trap - EXIT
echo "web: passed in $(( $(date +%s) - start )) s"

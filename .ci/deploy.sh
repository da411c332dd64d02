#!/usr/bin/env bash
# CI for deployment: the real ghz against a live server, 3 replicas behind nginx and with client-side
# round_robin (deploy/local/scenarios.py), and the Helm chart (helm lint, helm template).
# Runs after `mvn -B verify` in .ci/run (it needs the built modules). Installs what it needs:
#   ghz  v0.121.0 (go install; the newest ghz release, Dec 2025: --count-errors,
#        --max-recv-message-size, --lb-strategy; needs Go >= 1.23)
#   helm v4.3.2   (go install from the Go module proxy; the newest Helm 4 release approved here)
#   nginx         (Debian 12's nginx 1.22, grpc_pass, `listen ... http2`)
# Go binaries are kept in ~/.cache/strobe-tools/<tool>-<version>, so a warm machine skips the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
start=$(date +%s)
echo "== deploy"

tools="${HOME}/.cache/strobe-tools"
install_go_tool() { # name version module
  local dir="$tools/$1-$2"
  if [ ! -x "$dir/$1" ]; then
    local t0=$(date +%s)
    GOBIN="$dir" GOFLAGS=-trimpath go install -ldflags='-s -w' "$3@$2"
    echo "deploy: built $1 $2 in $(( $(date +%s) - t0 )) s"
  fi
  export PATH="$dir:$PATH"
}
install_go_tool ghz v0.121.0 github.com/bojand/ghz/cmd/ghz
install_go_tool helm v4.3.2 helm.sh/helm/v4/cmd/helm
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

echo "== deploy: helm lint and helm template"
chart=deploy/helm/strobe
helm lint --strict "$chart"
render="$root/target/helm-render"
mkdir -p "$render"
helm template strobe "$chart" >"$render/default.yaml"
helm template strobe "$chart" --set autoscaling.enabled=true --set metrics.serviceMonitor.enabled=true \
  --set models.source=image >"$render/all.yaml"
for kind in Deployment Service PodDisruptionBudget HorizontalPodAutoscaler ServiceMonitor; do
  grep -q "^kind: $kind$" "$render/all.yaml" || { echo "deploy: no $kind rendered"; exit 1; }
done
grep -q 'nvidia.com/gpu: 1' "$render/default.yaml"
grep -q 'clusterIP: None' "$render/default.yaml"
# values.schema.json rejects a pod with more than one GPU:
if helm template strobe "$chart" --set 'resources.limits.nvidia\.com/gpu=2' >/dev/null 2>&1; then
  echo "deploy: the values schema accepted 2 GPUs per pod"; exit 1
fi

echo "== deploy: the real ghz against a live server"
port=54051
log="$root/target/deploy-ghz-serve.log"
STROBE_JAVA_OPTS="-Xmx2g" ./strobe serve --host 127.0.0.1 --port "$port" --http-port -1 --metrics-host 127.0.0.1 \
  --metrics-port 54151 --models "$root/target/ci-models" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do grep -q "strobe listening on port" "$log" && break; sleep 1; done
grep -q "strobe listening on port" "$log" || { cat "$log"; exit 1; }
STROBE_GHZ_TARGET="127.0.0.1:$port" STROBE_GHZ_METRICS=127.0.0.1:54151 \
  STROBE_PROTOSET=proto/target/protoset/strobe.protoset python3 -m unittest -v loadtest/ghz/live_test_ghz.py
kill -TERM "$server"; wait "$server" || true
trap - EXIT

echo "== deploy: 3 replicas behind nginx and with client-side round_robin"
python3 deploy/local/scenarios.py

echo "== deploy done in $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# Hardening checks: a short fuzzing budget for each Jazzer target (30 s each, the targets' own
# maxDuration; a finding fails the run and is written beside the seed corpus), then, against a
# live server on the tiny models, a short measurement of the saturation rate of the soak's mix and
# a soak at 75% of it (default 3 minutes, SOAK_DURATION to change) that fails when a gauge grows,
# a job is still held at the end, or time to first preview drifts. Needs only Java, Maven and
# python3 (the build is the one .ci/run made).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
started=$(date +%s)
echo "== harden"
mkdir -p target && touch target/.strobe-build-stamp

echo "-- fuzzing (30 s per target)"
for target in "trt-engines:ManifestFuzzTest" "trt-engines:OptimumConfigFuzzTest" "server:RequestMappingFuzzTest" \
    "server:TokenizerFuzzTest#anyTextTokenizesToAValidRow" "server:TokenizerFuzzTest#normalizingNeverThrows" \
    "server:HttpBodyFuzzTest#anyBytesAreAcceptedOrRefusedWithASentence" \
    "server:HttpBodyFuzzTest#anyMixOfTheApisFieldsIsAcceptedOrRefusedWithASentence"; do
  module="${target%%:*}"
  mvn -B -q -pl "$module" -am -Dstrobe.fuzz=true -Dtest="${target#*:}" -Dsurefire.failIfNoSpecifiedTests=false \
    test
done

port=55101
metrics=55102
models="$root/target/ci-models"
log="$root/target/harden-serve.log"
STROBE_JAVA_OPTS="-Xmx4g" ./strobe serve --port "$port" --host 127.0.0.1 --http-port -1 --metrics-port "$metrics" \
  --metrics-host 127.0.0.1 --models "$models" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  if grep -q "strobe listening on port" "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; echo "server exited"; exit 1; fi
  sleep 1
done
grep -q "strobe listening on port" "$log" || { cat "$log"; echo "server did not start"; exit 1; }

echo "-- saturation rate of the soak's mix (closed loop, 8 streams, 2 images per request)"
sat_json=$(./strobe loadtest run --target "127.0.0.1:$port" --concurrency 8 --warmup 5s --duration 20s \
  --size 256x256 --size 512x512 --size 768x768 --model tiny-lightning-2step --model tiny-lightning-4step \
  --model tiny-lightning-8step --num-images 2 | tail -1)
# The soak's requests have 2.5 images on average (1-4), these had 2: scale to the soak's mix.
rate=$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["streams_per_s"] * 2 / 2.5, 3))' "$sat_json")
echo "saturation of the soak's mix: $rate req/s"

echo "-- soak at 75% of it"
./strobe loadtest soak --target "127.0.0.1:$port" --metrics "http://127.0.0.1:$metrics/metrics" \
  --saturation-rate "$rate" --fraction 0.75 --duration "${SOAK_DURATION:-3m}" \
  --csv "$root/target/soak-samples.csv"
python3 loadtest/soak/plot_soak.py "$root/target/soak-samples.csv" "$root/target/soak.svg" \
  --title "strobe soak, ${SOAK_DURATION:-3m} at 75% of saturation ($rate req/s)"

kill -TERM "$server"
wait "$server"
trap - EXIT
echo "harden passed in $(( $(date +%s) - started )) s"

#!/usr/bin/env bash
# The README's curl command for the event stream, checked: `curl -N` prints each step's event as it
# comes; the final image is decoded from the last event and written to $OUT/curl.png.
# env: STROBE_HTTP (server, default http://127.0.0.1:8080), OUT (folder, default ./out),
#      STROBE_TOKEN (bearer token, if the server has tokens).
set -euo pipefail
BASE="${STROBE_HTTP:-http://127.0.0.1:8080}"
OUT="${OUT:-out}"
mkdir -p "$OUT"
events="$OUT/curl-events.txt"

curl -sS -N --fail-with-body "$BASE/v1/images/generations" \
  -H 'Content-Type: application/json' ${STROBE_TOKEN:+-H "Authorization: Bearer $STROBE_TOKEN"} \
  -d '{"prompt": "a red fox in the snow", "size": "512x512", "stream": true, "strobe_previews": "all"}' \
  > "$events"

python3 - "$events" "$OUT/curl.png" <<'PY'
import base64, json, struct, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in text.split("\n\n") if b.strip()]
comments = [b for b in blocks if b.startswith(":")]
events = [json.loads(b[len("data: "):]) for b in blocks if b.startswith("data: ")]
def check(ok, what):
    if not ok:
        sys.exit("FAILED: " + what)
    print("ok - " + what)
check(comments and comments[0].startswith(": queued position="), "the stream opens with a queued comment")
types = [e["type"] for e in events]
check(types == ["image_generation.partial_image"] * 4 + ["image_generation.completed"],
      f"4 partial images (one per step of the 4-step default model), then completed: {types}")
check([e["step"] for e in events[:-1]] == [1, 2, 3, 4], "the partial images are steps 1..4")
png = base64.b64decode(events[-1]["b64_json"])
check(png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (512, 512),
      "the final image is a 512x512 PNG")
open(sys.argv[2], "wb").write(png)
PY

"""OpenAI's official Python SDK (``openai`` from PyPI, pinned in requirements.txt) against strobe.

A streamed generation with ``partial_images`` whose final image is written to a file, one with
strobe's every-step extension, one call without streaming, and an error. Run it with the server's
address in STROBE_HTTP (default http://127.0.0.1:8080), a folder for the images in OUT and, if the
server has tokens, one in STROBE_TOKEN (the SDK sends its API key as the bearer token).
"""
import base64
import os
import struct
import sys

import openai

BASE = os.environ.get("STROBE_HTTP", "http://127.0.0.1:8080").rstrip("/")
OUT = os.environ.get("OUT", "out")


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)
    print("ok - " + message)


def png_size(data):
    """(width, height) from a PNG's header, or None when the bytes are not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


def main():
    os.makedirs(OUT, exist_ok=True)
    client = openai.OpenAI(base_url=BASE + "/v1", api_key=os.environ.get("STROBE_TOKEN", "no-key-needed"))

    # 1. Streamed, partial_images 2 on the default (4-step) model: steps 1 and 3.
    stream = client.images.generate(model="gpt-image-1", prompt="a red fox in the snow", size="512x512",
                                    stream=True, partial_images=2, extra_body={"seed": 7})
    events = list(stream)
    types = [e.type for e in events]
    check(types == ["image_generation.partial_image"] * 2 + ["image_generation.completed"],
          f"stream events are two partial images then completed ({types})")
    partials = events[:-1]
    check([p.partial_image_index for p in partials] == [0, 1], "partial_image_index counts 0, 1")
    check(all(png_size(base64.b64decode(p.b64_json)) == (64, 64) for p in partials),
          "each partial image is a PNG at latent size (64x64 for 512x512)")
    done = events[-1]
    final = base64.b64decode(done.b64_json)
    check(png_size(final) == (512, 512) and done.size == "512x512" and done.output_format == "png",
          f"the completed image is a 512x512 PNG ({png_size(final)}, size {done.size})")
    check(isinstance(done.created_at, int) and (done.model_extra or {}).get("seed") == "7",
          "completed has created_at and strobe's seed (kept as an extra field)")
    with open(os.path.join(OUT, "python-streamed.png"), "wb") as f:
        f.write(final)

    # 512x512: a step takes ~100 ms, far longer than a preview's way to the client, so a reader that
    # keeps up gets every one (previews are lossy by design: at 256x256 steps of a few ms can merge).
    # 2. strobe's extension: a partial image after every one of the 8 steps.
    events = list(client.images.generate(model="tiny-lightning-8step", prompt="a lighthouse", size="512x512",
                                         stream=True, extra_body={"strobe_previews": "all"}))
    steps = [e.model_extra["step"] for e in events if e.type == "image_generation.partial_image"]
    check(steps == list(range(1, 9)), f'strobe_previews "all" streams every step ({steps})')
    check(events[-1].type == "image_generation.completed", "the last event is completed")

    # 3. Not streamed, two JPEG images.
    response = client.images.generate(prompt="two cats", n=2, size="256x256", output_format="jpeg")
    images = [base64.b64decode(d.b64_json) for d in response.data]
    check(len(images) == 2 and response.output_format == "jpeg" and response.size == "256x256",
          f"the non-streamed response has 2 JPEG images of 256x256 ({len(images)}, {response.output_format})")
    check(all(i[:2] == b"\xff\xd8" and i[-2:] == b"\xff\xd9" for i in images), "both images are whole JPEG files")
    check(response.created > 0, "the response has created")

    # 4. Errors are the SDK's own exceptions with OpenAI's fields.
    try:
        client.images.generate(prompt="x", model="no-such-model")
        check(False, "an unknown model is refused")
    except openai.NotFoundError as e:
        check(e.code == "model_not_found", f"an unknown model is NotFoundError, code {e.code}")
    try:
        client.images.generate(prompt="x", n=9)
        check(False, "n=9 is refused")
    except openai.BadRequestError as e:
        check(e.param == "n", f"n=9 is BadRequestError naming param {e.param!r}")
    print("openai python SDK " + openai.__version__ + ": all checks passed")


if __name__ == "__main__":
    main()

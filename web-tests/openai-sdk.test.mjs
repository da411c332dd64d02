// OpenAI's official Node SDK (the `openai` npm package, pinned in package-lock.json) against
// strobe: a streamed generation with partial_images whose final image is written to a file, the
// same with strobe's every-step extension, and one call without streaming.
//
// env: STROBE_HTTP (server), OUT (folder for the images, default ./out), STROBE_TOKEN (the API key:
//      the server's bearer token, if it has tokens).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { base, check, pngSize } from "./lib.mjs";

const out = process.env.OUT ?? "out";
mkdirSync(out, { recursive: true });
const client = new OpenAI({ baseURL: base + "/v1", apiKey: process.env.STROBE_TOKEN ?? "no-key-needed" });

async function streamed(params) {
  const stream = await client.images.generate({ ...params, stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

// 1. Streamed, partial_images 2 on the default (4-step) model: steps 1 and 3 become partial images.
{
  const events = await streamed({ model: "gpt-image-1", prompt: "a red fox in the snow", size: "512x512",
    partial_images: 2, seed: 7 });
  const types = events.map((e) => e.type);
  check(types.join(",") === "image_generation.partial_image,image_generation.partial_image,image_generation.completed",
        `stream events are two partial images then completed (${types.join(",")})`);
  const partials = events.filter((e) => e.type === "image_generation.partial_image");
  check(partials.map((e) => e.partial_image_index).join(",") === "0,1", "partial_image_index counts 0, 1");
  check(partials.every((e) => pngSize(Buffer.from(e.b64_json, "base64"))?.width === 64),
        "each partial image is a PNG at latent size (64x64 for 512x512)");
  const done = events.at(-1);
  const bytes = Buffer.from(done.b64_json, "base64");
  const size = pngSize(bytes);
  check(size?.width === 512 && size?.height === 512 && done.size === "512x512" && done.output_format === "png",
        `the completed image is a 512x512 PNG (${JSON.stringify(size)}, size ${done.size})`);
  check(typeof done.created_at === "number" && done.seed === "7", "completed has created_at and strobe's seed");
  writeFileSync(join(out, "node-streamed.png"), bytes);
}

// 512x512: a step takes ~100 ms, far longer than a preview's way to the client, so a reader that
// keeps up gets every one (previews are lossy by design: at 256x256 steps of a few ms can merge).
// 2. Streamed with strobe's extension: a partial image after every one of the 8 steps.
{
  const events = await streamed({ model: "tiny-lightning-8step", prompt: "a lighthouse", size: "512x512",
    strobe_previews: "all" });
  const partials = events.filter((e) => e.type === "image_generation.partial_image");
  check(partials.length === 8 && partials.map((e) => e.step).join(",") === "1,2,3,4,5,6,7,8",
        `strobe_previews "all" streams every step (${partials.map((e) => e.step).join(",")})`);
  check(events.at(-1).type === "image_generation.completed" && events.at(-1).strobe?.timings?.total_ms > 0,
        "the last event is completed, with strobe's timings");
}

// 3. Not streamed, two images, JPEG.
{
  const response = await client.images.generate({ prompt: "two cats", n: 2, size: "256x256", output_format: "jpeg" });
  check(response.data.length === 2 && response.output_format === "jpeg" && response.size === "256x256",
        `the non-streamed response has 2 JPEG images of 256x256 (${response.data.length}, ${response.output_format})`);
  const jpegs = response.data.map((d) => Buffer.from(d.b64_json, "base64"));
  check(jpegs.every((b) => b[0] === 0xff && b[1] === 0xd8 && b.at(-2) === 0xff && b.at(-1) === 0xd9),
        "both images are whole JPEG files");
  check(BigInt(response.data[1].seed) === BigInt(response.data[0].seed) + 1n, "image 2 uses seed + 1");
  writeFileSync(join(out, "node-plain.jpeg"), jpegs[0]);
}

// 4. An error is the SDK's own error class, with OpenAI's fields.
{
  let error = null;
  try {
    await client.images.generate({ prompt: "x", model: "no-such-model" });
  } catch (e) {
    error = e;
  }
  check(error instanceof OpenAI.NotFoundError && error.code === "model_not_found",
        `an unknown model is the SDK's NotFoundError, code model_not_found (${error?.constructor?.name} ${error?.code})`);
}
console.log("openai node SDK: all checks passed");

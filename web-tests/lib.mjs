// Shared by the tests of this folder: configuration from the environment, and assertions that
// say what they expected.
import { readFileSync } from "node:fs";

/** The server under test, e.g. http://127.0.0.1:8080 (STROBE_HTTP). */
export const base = (process.env.STROBE_HTTP ?? "http://127.0.0.1:8080").replace(/\/$/, "");

export function check(condition, message) {
  if (!condition) throw new Error("FAILED: " + message);
  console.log("ok - " + message);
}

/** Width and height of a PNG from its header, or null when the bytes are not a PNG. */
export function pngSize(bytes) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Waits until the server's request log (STROBE_LOG, a file) has a line satisfying `test`, polling
 * for up to `timeoutMs`; returns the line or throws.
 */
export async function awaitLogLine(test, timeoutMs) {
  const path = process.env.STROBE_LOG;
  if (!path) throw new Error("STROBE_LOG must name the file the server's output goes to");
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = readFileSync(path, "utf8").split("\n").find(test);
    if (line !== undefined) return line;
    if (Date.now() > until) throw new Error(`no line in ${path} matched within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

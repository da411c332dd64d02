// The live-preview page in a real browser: Debian's Chromium driven by playwright-core. Types a
// prompt, clicks Generate and checks that the preview changed once per denoising step and that the
// final image is shown; then cancels a long generation mid-way and checks that the server logged
// the request as cancelled. Writes a screenshot of the page after the generation (SCREENSHOT).
//
// env: STROBE_HTTP (server), STROBE_LOG (the server's output file), CHROMIUM (the browser),
//      SCREENSHOT (where the picture goes), STROBE_TOKEN (the server's bearer token, if it has one:
//      the page is first checked without it, then given it in its token field).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { awaitLogLine, base, check } from "./lib.mjs";

const profile = mkdtempSync(join(tmpdir(), "strobe-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // running as root in a container: no sandbox, no GPU, nothing fetched behind our back
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  viewport: { width: 1100, height: 820 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });

  await page.goto(base + "/");
  const token = process.env.STROBE_TOKEN;
  if (token) {
    // A server with tokens: the page says why it has no models until the token is given.
    await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
    const refusal = await page.textContent("#status");
    check(/could not list models: .*token/i.test(refusal), `without a token the page shows the server's refusal (${refusal})`);
    await page.click("details summary");
    await page.fill("#token", token);
    await page.press("#token", "Tab"); // change: the page lists the models again, with the token
    problems.length = 0; // the browser's console notes the expected 401; nothing else may fail
  }
  await page.waitForFunction(() => document.querySelectorAll("#model option[value^='tiny']").length > 0);
  const models = await page.$$eval("#model option", (os) => os.map((o) => o.value));
  check(models.includes("tiny-lightning-4step"), `the model list came from GET /v1/models (${models.join(", ")})`);

  // Every value the preview's src takes, recorded by the page itself as it changes.
  await page.evaluate(() => {
    // One record per assignment, even when several land in one task; each record holds the value
    // it replaced, so the values shown are the old values after the first plus the current one.
    window.previewOldValues = [];
    new MutationObserver((records) => records.forEach((r) => window.previewOldValues.push(r.oldValue)))
      .observe(document.getElementById("preview"), { attributes: true, attributeFilter: ["src"],
        attributeOldValue: true });
  });
  await page.fill("#prompt", "a lighthouse on a cliff at dusk, stormy sea");
  await page.selectOption("#model", "tiny-lightning-4step");
  await page.fill("#size", "512x512"); // steps of ~100 ms: every preview reaches a page that keeps up
  await page.fill("#seed", "42");
  await page.click("#generate");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("done")
      || document.getElementById("status").classList.contains("error"), null, { timeout: 120_000 });
  const status = await page.textContent("#status");
  check(status.startsWith("done"), `the generation finished (status: ${status})`);
  const sources = await page.evaluate(() => window.previewOldValues.length === 0 ? []
      : [...window.previewOldValues.slice(1), document.getElementById("preview").getAttribute("src")]);
  check(sources.length === 4, `the preview changed once per step: 4 steps, ${sources.length} changes`);
  check(new Set(sources).size === sources.length && sources.every((s) => s.startsWith("data:image/png;base64,")),
        "each step showed a different PNG preview");
  check(await page.textContent("#step") === "step 4/4", "the step counter reads step 4/4");
  const final = await page.$eval("#final", (img) => ({ hidden: img.hidden, complete: img.complete,
    width: img.naturalWidth, height: img.naturalHeight }));
  check(!final.hidden && final.complete && final.width === 512 && final.height === 512,
        `the final image is shown and decoded at 512x512 (${final.width}x${final.height})`);
  check(await page.textContent("#seed-used") === "seed 42, 512x512", "the seed and size used are shown");
  const timingRows = await page.$$eval("#timings tr", (rows) => rows.map((r) => r.textContent));
  check(timingRows.some((r) => r.startsWith("first preview (browser)")) && timingRows.length === 8,
        "the timings table shows the browser's and the server's timings");
  if (process.env.SCREENSHOT) {
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log("screenshot: " + process.env.SCREENSHOT);
  }

  // Cancel: a long generation (8 steps at 2048x2048), cancelled once its first preview arrived.
  await page.selectOption("#model", "tiny-lightning-8step");
  await page.fill("#size", "2048x2048");
  await page.click("#generate");
  await page.waitForFunction(() => document.getElementById("step").textContent.startsWith("step 1/8"),
      null, { timeout: 120_000 });
  const requestId = await page.textContent("#request");
  await page.click("#cancel");
  await page.waitForFunction(() => document.getElementById("status").textContent === "cancelled");
  check(await page.isEnabled("#generate"), "after Cancel the page is ready for the next prompt");
  const line = await awaitLogLine((l) => l.includes(`request_id="${requestId}"`), 60_000);
  check(/ code=CANCELLED( |$)/.test(line), `the server logged ${requestId} as cancelled: ${line.replace(/^.*frontend=/, "frontend=")}`);
  check(!/ code=OK /.test(line), "the cancelled generation did not run to its end");
  check(problems.length === 0, `no script errors in the page (${problems.join("; ")})`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

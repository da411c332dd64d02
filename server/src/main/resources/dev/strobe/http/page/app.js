// The live-preview page: POSTs to /v1/images/generations with stream and strobe_previews "all",
// shows each step's partial image as it arrives, then the final image and the stage timings.
// Cancel aborts the fetch; the server cancels the generation at its next step.
"use strict";
import { readEvents } from "/page/sse.js";

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("form"), prompt: $("prompt"), model: $("model"), size: $("size"), seed: $("seed"),
  token: $("token"), generate: $("generate"), cancel: $("cancel"), status: $("status"),
  preview: $("preview"), step: $("step"), final: $("final"), seedUsed: $("seed-used"),
  request: $("request"), timings: document.querySelector("#timings tbody"),
};
let running = null; // the AbortController of the generation in flight

function headers() {
  const h = { "Content-Type": "application/json", "Accept": "text/event-stream" };
  if (ui.token.value.trim() !== "") h["Authorization"] = "Bearer " + ui.token.value.trim();
  return h;
}

function status(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle("error", isError);
}

async function loadModels() {
  try {
    const r = await fetch("/v1/models", { headers: headers() });
    if (!r.ok) throw new Error(await errorText(r));
    const list = await r.json();
    status("ready");
    ui.model.replaceChildren(...list.data.map((m) => {
      const o = new Option(`${m.id} (${m.steps} steps, ${m.default_size})`, m.id, m.is_default, m.is_default);
      o.dataset.size = m.default_size;
      return o;
    }));
  } catch (e) {
    status("could not list models: " + e.message, true);
  }
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body.error?.message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function showTimings(rows) {
  ui.timings.replaceChildren(...rows.map(([name, ms]) => {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("td"), { textContent: name }),
              Object.assign(document.createElement("td"), { textContent: ms.toFixed(1) + " ms" }));
    return tr;
  }));
}

function requestBody(requestId) {
  const body = {
    request_id: requestId,
    prompt: ui.prompt.value, size: ui.size.value.trim() || "auto",
    stream: true, strobe_previews: "all", output_format: "png",
  };
  if (ui.model.value !== "") body.model = ui.model.value;
  if (ui.seed.value.trim() !== "") body.seed = ui.seed.value.trim(); // a decimal string stays exact
  return body;
}

async function generate() {
  const controller = new AbortController();
  running = controller;
  ui.generate.disabled = true;
  ui.cancel.disabled = false;
  ui.final.hidden = true;
  ui.seedUsed.textContent = "";
  ui.step.textContent = "step 0/0";
  showTimings([]);
  const requestId = "web-" + crypto.getRandomValues(new Uint32Array(2)).join("-");
  ui.request.textContent = requestId;
  status("sending");
  const started = performance.now();
  let firstPreview = null;
  let previews = 0;
  try {
    const response = await fetch("/v1/images/generations", {
      method: "POST", headers: headers(), body: JSON.stringify(requestBody(requestId)), signal: controller.signal,
    });
    if (!response.ok) throw new Error(await errorText(response));
    let failure = null;
    await readEvents(response, (data) => {
      const e = JSON.parse(data);
      if (e.type === "image_generation.partial_image") {
        if (firstPreview === null) firstPreview = performance.now() - started;
        previews++;
        ui.preview.src = `data:image/${e.output_format};base64,${e.b64_json}`;
        ui.step.textContent = `step ${e.step}/${e.total_steps}`;
        status(`denoising, image ${e.image_index + 1}`);
      } else if (e.type === "image_generation.completed") {
        ui.final.src = `data:image/${e.output_format};base64,${e.b64_json}`;
        ui.final.hidden = false;
        ui.seedUsed.textContent = `seed ${e.seed}, ${e.size}`;
        if (e.strobe?.timings) {
          const t = e.strobe.timings;
          showTimings([["first preview (browser)", firstPreview ?? 0],
                       ["total (browser)", performance.now() - started],
                       ["queue", t.queue_ms], ["encode", t.encode_ms], ["wait", t.wait_ms],
                       ["denoise", t.denoise_ms], ["decode", t.decode_ms], ["total (server)", t.total_ms]]);
        }
      } else if (e.type === "error" || e.error) {
        failure = e.error?.message ?? "the server reported an error";
      }
    }, (comment) => {
      if (comment.startsWith("queued")) status(comment);
    });
    if (failure !== null) throw new Error(failure);
    status(`done: ${previews} previews in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } catch (e) {
    if (controller.signal.aborted) status("cancelled");
    else status(e.message, true);
  } finally {
    if (running === controller) running = null;
    ui.generate.disabled = false;
    ui.cancel.disabled = true;
  }
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (running === null) generate();
});
ui.cancel.addEventListener("click", () => running?.abort());
ui.model.addEventListener("change", () => {
  ui.size.placeholder = ui.model.selectedOptions[0]?.dataset.size ?? "auto";
});
ui.token.addEventListener("change", loadModels); // a server with tokens lists its models only with one
loadModels();

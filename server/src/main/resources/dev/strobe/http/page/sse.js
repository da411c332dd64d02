// Server-Sent Events over fetch: EventSource can only GET, and the images endpoint is a POST.
// readEvents(response, onEvent, onComment) reads the body to its end and calls onEvent with each
// event's data (the joined "data:" lines) and onComment with each ": comment" line.
"use strict";

export async function readEvents(response, onEvent, onComment) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let data = [];
  const line = (text) => {
    if (text === "") {
      if (data.length > 0) {
        onEvent(data.join("\n"));
        data = [];
      }
    } else if (text.startsWith(":")) {
      onComment(text.slice(1).trim());
    } else {
      const colon = text.indexOf(":");
      const field = colon < 0 ? text : text.slice(0, colon);
      let value = colon < 0 ? "" : text.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") data.push(value);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let end;
    while ((end = buffered.search(/\r\n|\r|\n/)) >= 0) {
      const width = buffered.startsWith("\r\n", end) ? 2 : 1;
      line(buffered.slice(0, end));
      buffered = buffered.slice(end + width);
    }
  }
  if (buffered !== "") line(buffered);
  line("");
}

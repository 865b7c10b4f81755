// The timeline: the playhead over the shot's duration (scrubbing, Home/End, play), and the camera's keys
// drawn on it and in the keys panel, which both follow the playhead.

import { keyIndexAt, keyTolerance, poseAt } from "./camera.js";
import { $, editable, root, state } from "./page.js";
import { keysPanel } from "./panel.js";

const scrub = $("[data-scrub]");

/** Move the playhead to t (0..1 of the shot): the lens, the time and the key fields follow. */
export function scrubTo(t, { fromInput = false } = {}) {
  const duration = state.duration;
  state.time = Math.max(0, Math.min(1, t));
  if (!fromInput) scrub.value = String(Math.round(state.time * 1000));
  $("[data-time]").textContent = `${(state.time * duration).toFixed(1)}s / ${duration.toFixed(1)}s`;
  state.viewport?.setTime(state.time);
  if (state.doc) {
    const pose = poseAt(state.doc.camera.keys, state.time);
    for (const [path, value] of [["key.roll", Math.round(pose.roll * 10) / 10], ["key.position.1", Math.round(pose.position[1] * 1000) / 1000]]) {
      const input = root.querySelector(`[data-edit="${path}"]`);
      if (input && document.activeElement !== input) input.value = value;
    }
    drawKeys();
  }
}

/** The keys panel and the key marks on the timeline. */
export function drawKeys() {
  const cam = state.doc.camera, duration = state.duration;
  $("[data-keys-fields]").innerHTML = keysPanel(cam, duration, editable, keyIndexAt(cam.keys, state.time, duration), state.time);
  $("[data-key-marks]").innerHTML = cam.keys.length > 1
    ? cam.keys.map((k, i) => `<button type="button" class="pv-key-mark" style="left:${(k.t * 100).toFixed(2)}%" data-goto="${i}"
        title="Key ${i + 1} at ${(k.t * duration).toFixed(1)}s" aria-label="Go to key ${i + 1}"
        aria-current="${Math.abs(k.t - state.time) <= keyTolerance(duration)}"></button>`).join("")
    : "";
}

/** Dragging the timeline's slider moves the playhead. */
export function armTimeline() {
  scrub.addEventListener("input", () => scrubTo(Number(scrub.value) / 1000, { fromInput: true }));
}

let playing = null;

/** Play the move over the shot's duration from the playhead (from the start when it is at the end); again to pause. */
export function play() {
  const button = $("[data-play]");
  if (playing) { playing = null; button.textContent = "▶"; return; }
  const start = performance.now() - (state.time >= 1 ? 0 : state.time * state.duration * 1000);
  playing = start;
  button.textContent = "❚❚";
  const step = () => {
    if (playing !== start) return;
    const t = (performance.now() - start) / (state.duration * 1000);
    scrubTo(t);
    if (t < 1) requestAnimationFrame(step);
    else { playing = null; button.textContent = "▶"; }
  };
  requestAnimationFrame(step);
}

// From the layout to takes: Capture frame (the shot camera's colour and depth → a take), Render move (the camera
// move, frame by frame → an MP4 animatic take), and from a capture, Generate from layout (a depth-guided frame)
// and Animate this frame (a clip). The server checks what it is sent; the browser only renders.

import { api } from "../lib/api.js";
import { refusalBeside } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { same } from "./model.js";
import { $, data, state } from "./page.js";
import { saveNow } from "./saving.js";
import { scrubTo } from "./timeline.js";

const ANIMATIC_FPS = 12;

function busy(button, on) {
  button.disabled = on;
  button.classList.toggle("busy", on);
}

export async function capture(button) {
  const viewport = state.viewport;
  if (!viewport) return;
  busy(button, true);
  try {
    await saveNow();
    if (!same(state.doc, state.base)) throw new Error("Save the layout before capturing.");
    const shot = await viewport.capture(1024);
    const form = new FormData();
    form.append("shot", String(data.shot.id));
    form.append("image", shot.colour, "previz.png");
    form.append("depth", shot.depth, "previz-depth.png");
    form.append("layout_version", String(state.version));
    const take = await api("POST", data.api.capture, { body: form }).catch((err) => {
      throw err.status === 404 || err.status === 405 ? new Error("Capturing takes isn't available on this server yet.") : err;
    });
    showCapture(take, shot);
    toast(`Captured take v${take.number ?? ""}.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    busy(button, false);
  }
}

/** The camera move over the shot's duration, frame by frame through the shot camera → an MP4 take. */
export async function renderMove(button) {
  const viewport = state.viewport;
  if (!viewport) return;
  busy(button, true);
  const was = state.time;
  try {
    await saveNow();
    if (!same(state.doc, state.base)) throw new Error("Save the layout before rendering the move.");
    const count = Math.max(2, Math.min(240, Math.round(state.duration * ANIMATIC_FPS)));
    const form = new FormData();
    form.append("shot", String(data.shot.id));
    form.append("fps", String(ANIMATIC_FPS));
    form.append("layout_version", String(state.version));
    for (let i = 0; i < count; i += 1) {
      scrubTo(i / (count - 1));
      button.textContent = `Rendering ${i + 1}/${count}…`;
      const frame = await viewport.capture(640);
      form.append("frames", frame.colour, `frame-${String(i).padStart(4, "0")}.png`);
    }
    button.textContent = "Uploading…";
    const take = await api("POST", data.api.animatic, { body: form });
    toast(`Rendered the move as take v${take.number} (${take.frames} frames): it is on the shot page.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    scrubTo(was);
    button.textContent = "Render move";
    busy(button, false);
  }
}

function showCapture(take, shot) {
  const panel = $("[data-capture-panel]");
  panel.hidden = false;
  const colour = URL.createObjectURL(shot.colour), depth = URL.createObjectURL(shot.depth);
  const refs = data.shot_references;
  $("[data-capture-result]").innerHTML = `
    <div class="pv-capture" data-take="${take.id}">
      <figure><img src="${colour}" alt="Colour frame"><figcaption>Colour</figcaption></figure>
      <figure><img src="${depth}" alt="Depth frame"><figcaption>Depth · near is white</figcaption></figure>
    </div>
    <a class="small" href="${data.shot.url}">Take v${take.number ?? take.id} · layout v${take.layout_version ?? state.version} on the shot page →</a>
    ${data.can_generate ? `
    <div class="pv-generate" data-generate-options>
      <label class="check small"><input type="checkbox" data-from-colour><span>Start from the colour render <span class="faint">(image-to-image)</span></span></label>
      <label class="check small"><input type="checkbox" data-with-references${refs ? " checked" : " disabled"}><span>Character references
        <span class="faint">(${refs ? `${refs} image${refs === 1 ? "" : "s"}` : "none in this shot"})</span></span></label>
      <div class="pv-capture-actions">
        <button type="button" class="btn btn-sm btn-primary" data-generate-from="${take.id}"
          title="A depth-guided frame from this capture, with the shot's prompt">Generate from layout</button>
        <button type="button" class="btn btn-sm" data-animate-from="${take.id}"
          title="A clip (image-to-video) that starts on this frame">Animate this frame</button>
      </div>
    </div>` : ""}`;
}

/** Queue a job for this shot; a refusal throws an ApiError that says why. */
function submitJob(body) {
  return api("POST", data.api.jobs, { body: { shot: data.shot.id, ...body } });
}

export async function generateFromLayout(button, takeId) {
  button.disabled = true;
  const body = { depth_take: takeId };
  if ($("[data-from-colour]")?.checked) body.init_take = takeId;
  if ($("[data-with-references]")?.checked) body.use_references = true;
  refusalBeside(button, null);
  try {
    await submitJob(body);
    toast(`Queued a depth-guided frame from layout v${state.version}: it appears on the shot page.`, "success");
    button.textContent = "Queued ✓";
  } catch (err) {
    refusalBeside(button, err);
    button.disabled = false;
  }
}

export async function animateFrom(button, takeId) {
  button.disabled = true;
  refusalBeside(button, null);
  try {
    await submitJob({ kind: "clip", first_frame_take: takeId });
    toast("Queued a clip that starts on this frame: it appears on the shot page.", "success");
    button.textContent = "Queued ✓";
  } catch (err) {
    refusalBeside(button, err);
    button.disabled = false;
  }
}

// The previz page: a shot's 3D layout editor. The document lives here; every edit is a new
// document (undo/redo are snapshots), the viewport and panels are redrawn from it, and it is saved
// through the layout API with If-Match (explicitly, and 1.5 s after the last change).
// A collaborator's save arrives as a layout.updated event and is taken in without a reload.

import { api, ApiError } from "../lib/api.js";
import { debounce, pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { frameSubject, horizontalFov, poseAt } from "./camera.js";
import { Viewport } from "./editor.js";
import { History } from "./history.js";
import { clone, makeObject, merge, roundVec, same, SIZES } from "./model.js";
import { cameraPanel, castButtons, inspector, keysPanel, objectList, palette } from "./panel.js";

const AUTOSAVE_MS = 1500;
const data = pageData("previz-data");
const root = document.querySelector("[data-previz]");
const $ = (sel) => root.querySelector(sel);
const editable = data.can_edit;
const duration = data.shot.duration || 3;

const state = {
  doc: null, // the layout as edited here
  base: null, // the layout as last saved or received (what `version` is)
  version: 0,
  selected: null,
  saving: false,
  again: false,
  conflict: null,
  time: 0,
};
const history = new History(() => {
  const undo = $("[data-undo]"), redo = $("[data-redo]");
  if (undo) undo.disabled = !history.canUndo;
  if (redo) redo.disabled = !history.canRedo;
});

// --- Status -----------------------------------------------------------------------------------

function setStatus(text, kind = "") {
  const node = $("[data-save-status]");
  node.innerHTML = text;
  node.dataset.kind = kind;
}

function showSaved() {
  if (state.conflict) return;
  if (!same(state.doc, state.base)) setStatus("Unsaved changes", "dirty");
  else setStatus(state.version ? `Saved v${state.version}` : "Not saved yet", "saved");
}

// --- Viewport -----------------------------------------------------------------------------------

let viewport;
try {
  viewport = new Viewport($("[data-viewport]"), {
    aspect: data.project.aspect_ratio,
    editable,
    onPick: (id) => select(id),
    onTransform: (id, { position, rotation }) => edit((doc) => {
      const obj = doc.objects.find((o) => o.id === id);
      if (!obj) return;
      obj.position = roundVec(position);
      obj.rotation = roundVec(rotation, 2).map((r) => Math.max(-360, Math.min(360, r)));
    }),
    onLensMove: (pose) => edit((doc) => {
      const key = activeKey(doc);
      key.position = roundVec(pose.position);
      key.target = roundVec(pose.target);
    }),
  });
  viewport.onResize = placeFrame;
} catch (err) {
  const box = $("[data-gl-error]");
  box.hidden = false;
  box.textContent = `3D is not available in this browser (${err.message}).`;
}

function placeFrame() {
  const frame = $("[data-frame]");
  if (!viewport || viewport.view !== "lens") { frame.hidden = true; return; }
  const f = viewport.frameRect();
  Object.assign(frame.style, { left: `${f.x}px`, top: `${f.y}px`, width: `${f.w}px`, height: `${f.h}px` });
  frame.hidden = false;
  $("[data-thirds]").hidden = !$("[data-overlay=thirds]").checked;
  $("[data-safe]").hidden = !$("[data-overlay=safe]").checked;
  const cam = state.doc?.camera;
  if (cam) {
    $("[data-frame-label]").textContent = `${data.project.aspect_ratio}:1 · ${cam.focal_mm}mm · ${horizontalFov(cam.focal_mm, cam.sensor).toFixed(1)}° H${cam.framing ? ` · ${cam.framing.size}` : ""}`;
  }
}

// --- The document ---------------------------------------------------------------------------------

function activeKeyIndex(doc) {
  const n = doc.camera.keys.length;
  return n === 1 || state.time < 0.5 ? 0 : n - 1;
}

function activeKey(doc) {
  return doc.camera.keys[activeKeyIndex(doc)];
}

function selectedObject(doc = state.doc) {
  return doc?.objects.find((o) => o.id === state.selected) || null;
}

/** Change the document: `fn` mutates a copy; an edit that changes nothing is not one. */
function edit(fn) {
  if (!editable || !state.doc) return;
  const before = JSON.stringify(state.doc);
  const next = clone(state.doc);
  fn(next);
  if (JSON.stringify(next) === before) return;
  history.push(before);
  state.doc = next;
  redraw();
  autosave();
}

function replaceDoc(json) {
  state.doc = JSON.parse(json);
  if (!selectedObject()) state.selected = null;
  redraw();
  autosave();
}

function select(id) {
  state.selected = id && state.doc.objects.some((o) => o.id === id) ? id : null;
  redraw();
}

function redraw() {
  const doc = state.doc;
  if (!doc) return;
  viewport?.setLayout(doc);
  viewport?.setSelected(state.selected);
  $("[data-objects]").innerHTML = objectList(doc, state.selected, editable);
  $("[data-object-count]").textContent = doc.objects.length;
  const obj = selectedObject();
  $("[data-inspector-empty]").hidden = !!obj;
  const fields = $("[data-inspector-fields]");
  if (!fields.contains(document.activeElement) || fields.dataset.for !== (obj?.id || "")) {
    fields.innerHTML = inspector(obj, editable);
    fields.dataset.for = obj?.id || "";
  }
  const subject = framingSubject(doc);
  const pose = poseAt(doc.camera.keys, state.time);
  $("[data-camera-fields]").innerHTML = cameraPanel(doc.camera, pose, subject?.name, editable);
  $("[data-keys-fields]").innerHTML = keysPanel(doc.camera, duration, editable);
  $("[data-spec-lens]").textContent = doc.camera.focal_mm;
  if (doc.camera.framing) {
    $("[data-spec-size]").textContent = doc.camera.framing.size;
    $("[data-spec-size-label]").textContent = SIZES.find(([k]) => k === doc.camera.framing.size)?.[1] || "";
  }
  placeFrame();
  showSaved();
}

/** The character a shot-size preset frames: the selection if it is one, else the framing's subject, else the first. */
function framingSubject(doc) {
  const chars = doc.objects.filter((o) => o.type === "character");
  const sel = selectedObject(doc);
  if (sel?.type === "character") return sel;
  return chars.find((o) => o.id === doc.camera.framing?.subject) || chars[0] || null;
}

// --- Saving ---------------------------------------------------------------------------------------

async function save() {
  if (!editable || !state.doc || state.conflict) return;
  if (state.saving) { state.again = true; return; }
  if (same(state.doc, state.base) && state.version) { showSaved(); return; }
  state.saving = true;
  const sent = clone(state.doc);
  setStatus('<span class="spinner pv-spin"></span>Saving…', "saving");
  try {
    const body = await api("PUT", data.api.layout, { body: { layout: sent }, version: state.version });
    state.version = body.version;
    state.base = body.layout;
    if (body.merged) {
      // The server took in someone else's save too: keep what I typed since, on top of the merge.
      const { layout } = merge(sent, body.layout, state.doc);
      state.doc = layout;
      redraw();
      if (!same(state.doc, state.base)) autosave();  // what I typed meanwhile still has to go
    }
  } catch (err) {
    fail(err);
  } finally {
    state.saving = false;
  }
  if (state.again) { state.again = false; save(); return; }
  showSaved();
}

function fail(err) {
  if (!(err instanceof ApiError)) { setStatus("Could not save", "error"); throw err; }
  if (err.status === 409) {
    const ids = err.body.conflicts || [];
    const names = ids.map((id) => state.doc.objects.find((o) => o.id === id)?.name || id).join(", ");
    conflict(`${err.body.detail || "Someone else changed the same objects."}${names ? ` (${names})` : ""}`);
  } else if (err.status === 400) {
    const [field, msg] = Object.entries(err.body)[0] || [];
    setStatus(`Not saved: ${field || ""} ${Array.isArray(msg) ? msg[0] : msg || err.message}`, "error");
  } else if (err.status === 403) {
    setStatus("You can't edit this layout.", "error");
  } else {
    setStatus(`Not saved: ${err.message}`, "error");
  }
}

function conflict(message) {
  state.conflict = message;
  autosave.cancel();
  setStatus(`<span>${message}</span> <button type="button" class="btn btn-sm" data-reload>Reload</button>`, "error");
}

const autosave = debounce(() => save(), AUTOSAVE_MS);

async function load() {
  const body = await api("GET", data.api.layout);
  state.version = body.version;
  state.base = body.layout;
  state.doc = clone(body.layout);
  state.conflict = null;
  history.clear();
  redraw();
}

// --- Live -----------------------------------------------------------------------------------------

function onLayoutUpdated(message) {
  const d = message.data;
  if (!d || d.shot !== data.shot.id || d.version <= state.version) return;
  if (state.saving && message.actor?.id === data.me.id) return; // my own save: its answer brings it
  const who = message.actor?.name || "Someone";
  if (same(state.doc, state.base) && !state.saving) {
    state.doc = clone(d.layout);
  } else {
    const { layout, conflicts } = merge(state.base, d.layout, state.doc);
    if (conflicts.length) {
      conflict(`${who} changed the layout (${conflicts.join(", ")}) while you were editing it.`);
      return;
    }
    state.doc = layout;
    autosave();
  }
  state.base = d.layout;
  state.version = d.version;
  history.clear();
  if (!selectedObject()) state.selected = null;
  redraw();
  if (message.actor && message.actor.id !== data.me.id) toast(`${who} changed the layout.`, "info");
}

function onShotUpdated(message) {
  const shot = message.data?.shot;
  if (!shot || shot.id !== data.shot.id) return;
  if (shot.lens_mm) $("[data-spec-lens]").textContent = shot.lens_mm;
  if (shot.size) $("[data-spec-size]").textContent = shot.size;
}

function connect(studio) {
  studio.socket.on("layout.updated", onLayoutUpdated);
  studio.socket.on("shot.updated", onShotUpdated);
  studio.socket.on("resync", () => { if (same(state.doc, state.base)) load(); });
}

if (window.studio) connect(window.studio);
else document.addEventListener("studio:ready", (e) => connect(e.detail), { once: true });

// --- Panels -----------------------------------------------------------------------------------------

function setPath(target, path, value) {
  const parts = path.split(".");
  let node = target;
  for (const p of parts.slice(0, -1)) node = node[p];
  node[parts[parts.length - 1]] = value;
}

root.addEventListener("change", (e) => {
  const input = e.target.closest("[data-edit]");
  if (input) {
    const path = input.dataset.edit;
    const raw = input.type === "number" ? Number(input.value) : input.value;
    if (input.type === "number" && !Number.isFinite(raw)) return;
    edit((doc) => {
      if (path.startsWith("camera.")) setPath(doc.camera, path.slice(7), raw);
      else if (path.startsWith("key.")) setPath(activeKey(doc), path.slice(4), raw);
      else {
        const obj = selectedObject(doc);
        if (obj) setPath(obj, path, path === "name" ? raw.trim() || obj.name : raw);
      }
    });
    return;
  }
  if (e.target.matches("[data-overlay]")) placeFrame();
});

root.addEventListener("click", (e) => {
  const t = e.target.closest("button, [data-id]");
  if (!t) return;
  const d = t.dataset;
  if (d.delete) { e.stopPropagation(); remove(d.delete); return; }
  if (d.id) return select(d.id);
  if (d.addCharacter) {
    const c = data.characters.find((x) => String(x.id) === d.addCharacter);
    return add(null, c);
  }
  if (d.add) return add(d.add);
  if (d.pose) return edit((doc) => { selectedObject(doc).pose = d.pose; });
  if (d.lens) return edit((doc) => { doc.camera.focal_mm = Number(d.lens); });
  if (d.size) return frameSize(d.size);
  if (d.setKey !== undefined) return setKey(Number(d.setKey));
  if (d.removeKey !== undefined) return edit((doc) => { doc.camera.keys = [doc.camera.keys[0]]; doc.camera.keys[0].t = 0; });
  if (d.goto !== undefined) return scrubTo(state.doc.camera.keys[Number(d.goto)].t);
  if (d.view) return setView(d.view);
  if (d.mode) return setMode(d.mode);
  if (t.matches("[data-undo]")) return undo();
  if (t.matches("[data-redo]")) return redo();
  if (t.matches("[data-save]")) { autosave.cancel(); return save(); }
  if (t.matches("[data-reload]")) return load();
  if (t.matches("[data-capture]")) return capture(t);
  if (t.matches("[data-render-move]")) return renderMove(t);
  if (d.generateFrom) return generateFromLayout(t, Number(d.generateFrom));
  if (t.matches("[data-play]")) return play();
});

function add(kind, character = null) {
  const at = viewport ? viewport.dropPoint() : [0, 0, 0];
  const obj = makeObject(kind, state.doc, at, character);
  edit((doc) => { doc.objects.push(obj); });
  select(obj.id);
}

function remove(id) {
  edit((doc) => {
    doc.objects = doc.objects.filter((o) => o.id !== id);
    if (doc.camera.framing?.subject === id) doc.camera.framing.subject = null;
  });
  if (state.selected === id) select(null);
}

function frameSize(size) {
  edit((doc) => {
    const subject = framingSubject(doc);
    doc.camera.framing = { size, subject: subject?.id || null };
    if (subject) {
      const i = activeKeyIndex(doc);
      const cam = doc.camera;
      cam.keys[i] = { ...frameSubject(cam.keys[i], subject, size, cam.focal_mm, cam.sensor, data.project.aspect_ratio), t: cam.keys[i].t };
    }
  });
}

function setKey(i) {
  if (!viewport) return;
  const pose = viewport.viewPose();
  edit((doc) => {
    const keys = doc.camera.keys;
    const key = { t: 0, position: roundVec(pose.position), target: roundVec(pose.target), roll: Math.round(pose.roll * 10) / 10 };
    if (i === 0) keys[0] = { ...key, t: 0 };
    else if (keys.length === 1) keys.push({ ...key, t: 1 });
    else keys[keys.length - 1] = { ...key, t: 1 };
  });
}

function undo() {
  const json = history.undo(JSON.stringify(state.doc));
  if (json) replaceDoc(json);
}

function redo() {
  const json = history.redo(JSON.stringify(state.doc));
  if (json) replaceDoc(json);
}

function setView(view) {
  for (const b of root.querySelectorAll("[data-view]")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
  viewport?.setView(view);
  placeFrame();
}

function setMode(mode) {
  for (const b of root.querySelectorAll("[data-mode]")) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
  viewport?.setMode(mode);
}

// --- Timeline --------------------------------------------------------------------------------------

const scrub = $("[data-scrub]");
function scrubTo(t, { fromInput = false } = {}) {
  state.time = Math.max(0, Math.min(1, t));
  if (!fromInput) scrub.value = String(Math.round(state.time * 1000));
  $("[data-time]").textContent = `${(state.time * duration).toFixed(1)}s / ${duration.toFixed(1)}s`;
  viewport?.setTime(state.time);
  if (state.doc) {
    const pose = poseAt(state.doc.camera.keys, state.time);
    const roll = root.querySelector('[data-edit="key.roll"]');
    if (roll && document.activeElement !== roll) roll.value = Math.round(pose.roll * 10) / 10;
  }
}
scrub.addEventListener("input", () => scrubTo(Number(scrub.value) / 1000, { fromInput: true }));

let playing = null;
function play() {
  const button = $("[data-play]");
  if (playing) { playing = null; button.textContent = "▶"; return; }
  const start = performance.now() - (state.time >= 1 ? 0 : state.time * duration * 1000);
  playing = start;
  button.textContent = "❚❚";
  const step = () => {
    if (playing !== start) return;
    const t = (performance.now() - start) / (duration * 1000);
    scrubTo(t);
    if (t < 1) requestAnimationFrame(step);
    else { playing = null; button.textContent = "▶"; }
  };
  requestAnimationFrame(step);
}

// --- Capture -----------------------------------------------------------------------------------------

function csrf() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

async function capture(button) {
  if (!viewport) return;
  button.disabled = true;
  button.classList.add("busy");
  try {
    autosave.cancel();
    await save();
    if (!same(state.doc, state.base)) throw new Error("Save the layout before capturing.");
    const shot = await viewport.capture(1024);
    const form = new FormData();
    form.append("shot", String(data.shot.id));
    form.append("image", shot.colour, "previz.png");
    form.append("depth", shot.depth, "previz-depth.png");
    form.append("layout_version", String(state.version));
    const response = await fetch(data.api.capture, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    });
    const body = await response.json().catch(() => null);
    if (response.status === 404 || response.status === 405) throw new Error("Capturing takes isn't available on this server yet.");
    if (!response.ok) throw new ApiError(response.status, body);
    showCapture(body, shot);
    toast(`Captured take v${body.number ?? ""}.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    button.disabled = false;
    button.classList.remove("busy");
  }
}

const ANIMATIC_FPS = 12;

/** The camera move over the shot's duration, frame by frame through the shot camera → an MP4 take. */
async function renderMove(button) {
  if (!viewport) return;
  button.disabled = true;
  button.classList.add("busy");
  const was = state.time;
  try {
    autosave.cancel();
    await save();
    if (!same(state.doc, state.base)) throw new Error("Save the layout before rendering the move.");
    const count = Math.max(2, Math.min(240, Math.round(duration * ANIMATIC_FPS)));
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
    const response = await fetch(data.api.animatic, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    toast(`Rendered the move as take v${body.number} (${body.frames} frames): it is on the shot page.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    scrubTo(was);
    button.textContent = "Render move";
    button.disabled = false;
    button.classList.remove("busy");
  }
}

function showCapture(take, shot) {
  const panel = $("[data-capture-panel]");
  panel.hidden = false;
  const colour = URL.createObjectURL(shot.colour), depth = URL.createObjectURL(shot.depth);
  $("[data-capture-result]").innerHTML = `
    <div class="pv-capture" data-take="${take.id}">
      <img src="${colour}" alt="Colour frame"><img src="${depth}" alt="Depth frame">
    </div>
    <div class="pv-capture-actions">
      ${data.can_generate ? `<button type="button" class="btn btn-sm btn-primary" data-generate-from="${take.id}"
        title="A depth-guided frame from this capture, with the shot's prompt">Generate from layout</button>` : ""}
      <a class="btn btn-sm" href="${data.shot.url}">Take v${take.number ?? take.id} on the shot page →</a>
    </div>`;
}

async function generateFromLayout(button, takeId) {
  button.disabled = true;
  try {
    const response = await fetch(data.api.jobs, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ shot: data.shot.id, depth_take: takeId }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    toast(`Queued a depth-guided frame from layout v${state.version}: it appears on the shot page.`, "success");
    button.textContent = "Queued ✓";
  } catch (err) {
    toast(err.message, "error");
    button.disabled = false;
  }
}

// --- Keys -----------------------------------------------------------------------------------------

document.addEventListener("keydown", (e) => {
  const typing = e.target.closest("input, select, textarea, [contenteditable]");
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === "z" && !typing) { e.preventDefault(); (e.shiftKey ? redo : undo)(); return; }
  if (mod && e.key.toLowerCase() === "y" && !typing) { e.preventDefault(); redo(); return; }
  if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); autosave.cancel(); save(); return; }
  if (typing || mod || e.altKey) return;
  if ((e.key === "Delete" || e.key === "Backspace") && state.selected && editable) { e.preventDefault(); remove(state.selected); }
  else if (e.key === "w" || e.key === "W") setMode("translate");
  else if (e.key === "e" || e.key === "E") setMode("rotate");
  else if (e.key === "Escape") select(null);
});

window.addEventListener("beforeunload", (e) => {
  if (editable && state.doc && !same(state.doc, state.base)) { save(); e.preventDefault(); }
});

if (editable) {
  $("[data-add-cast]").innerHTML = castButtons(data.characters);
  $("[data-palette]").innerHTML = palette();
}

// For tests and the curious: the editor's state, read only.
window.previz = {
  get version() { return state.version; },
  get layout() { return clone(state.doc); },
  get saved() { return !!state.doc && same(state.doc, state.base) && !state.saving; },
  get viewport() { return viewport; },
};

load().then(() => { scrubTo(0); root.dataset.ready = "true"; }).catch((err) => setStatus(`Could not load the layout: ${err.message}`, "error"));

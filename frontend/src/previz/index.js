// The previz page: a shot's 3D layout editor. The document lives here; every edit is a new
// document (undo/redo are snapshots), the viewport and panels are redrawn from it, and it is saved
// through the layout API with If-Match (explicitly, and 1.5 s after the last change).
// A collaborator's save arrives as a layout.updated event and is taken in without a reload.

import { api, ApiError } from "../lib/api.js";
import { debounce, esc, pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { frameSubject, horizontalFov, poseAt } from "./camera.js";
import { Viewport } from "./editor.js";
import { History } from "./history.js";
import { clone, makeObject, merge, roundVec, same, SIZES, STAGE_PRESETS } from "./model.js";
import { cameraPanel, castButtons, inspector, keysPanel, objectList, palette, setButtons, stagePanel } from "./panel.js";

const AUTOSAVE_MS = 1500;
const MAX_KEYS = 16; // as the server allows (studio/shots/layout.py)
const data = pageData("previz-data");
const root = document.querySelector("[data-previz]");
const $ = (sel) => root.querySelector(sel);
const editable = data.can_edit;
let duration = data.shot.duration || 3; // seconds; keys are fractions of it, so a new duration keeps the move

// The layout is asked for first, while three.js sets up: the two overlap.
let firstLoad = api("GET", data.api.layout);

const state = {
  doc: null, // the layout as edited here
  base: null, // the layout as last saved or received (what `version` is)
  version: 0,
  selected: null,
  saving: false,
  again: false,
  conflict: null,
  refused: null, // why the last save was refused (400, 403), shown until the next one
  time: 0,
  assets: data.assets, // the project's imported sets, newest first
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
  if (state.conflict || state.refused) return; // the reason stays up until the next save
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
    setUrl: (asset) => `${data.api.asset_files}${encodeURIComponent(asset)}/`,
    onSetError: (obj) => toast(`The set “${obj.name}” could not be loaded; it shows as a red box.`, "error"),
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

/** How close (in shot time, 0..1) the playhead must be to a key to be on it: one frame at 24 fps. */
function keyTolerance() {
  return Math.max(0.001, 1 / (24 * duration)) / 2;
}

/** The index of the key at the playhead, or -1. */
function keyIndexAtTime(doc, time = state.time) {
  const keys = doc.camera.keys;
  if (keys.length === 1) return 0;
  return keys.findIndex((k) => Math.abs(k.t - time) <= keyTolerance());
}

/** The key a camera edit changes: the one at the playhead; a static camera's only key; or, between keys of a
 * move, a new key at the playhead with the pose the move had there (auto-key, as animation tools do). */
function activeKeyIndex(doc) {
  const found = keyIndexAtTime(doc);
  if (found >= 0) return found;
  const keys = doc.camera.keys;
  const pose = poseAt(keys, state.time);
  const key = { t: Math.round(state.time * 1000) / 1000, position: roundVec(pose.position), target: roundVec(pose.target),
    roll: Math.round(pose.roll * 10) / 10 };
  const at = keys.findIndex((k) => k.t > key.t);
  const i = at < 0 ? keys.length : at;
  keys.splice(i, 0, key);
  return i;
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
  const stageFields = $("[data-stage-fields]");
  const picking = stageFields.contains(document.activeElement) && document.activeElement.type === "color";
  if (!picking) stageFields.innerHTML = stagePanel(doc.stage, editable); // an open colour picker stays open
  $("[data-camera-fields]").innerHTML = cameraPanel(doc.camera, pose, subject?.name, editable);
  drawKeys();
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
  state.refused = null;
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
    return;
  }
  if (err.status === 400) {
    const [field, msg] = Object.entries(err.body || {})[0] || [];
    state.refused = `Not saved: ${field || ""} ${Array.isArray(msg) ? msg[0] : msg || err.message}`;
  } else if (err.status === 403) {
    state.refused = "You can't edit this layout.";
  } else {
    state.refused = `Not saved: ${err.message}`;
  }
  setStatus(esc(state.refused), "error");
}

function conflict(message) {
  state.conflict = message;
  autosave.cancel();
  setStatus(`<span>${esc(message)}</span> <button type="button" class="btn btn-sm" data-reload>Reload</button>`, "error");
}

const autosave = debounce(() => save(), AUTOSAVE_MS);

async function load() {
  const body = await (firstLoad || api("GET", data.api.layout));
  firstLoad = null;
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
  if (shot.duration && shot.duration !== duration) {
    duration = shot.duration;
    $("[data-spec-duration]").textContent = String(Math.round(duration * 10) / 10);
    scrubTo(state.time);
  }
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
    const raw = input.type === "number" ? Number(input.value) : input.type === "checkbox" ? input.checked : input.value;
    if (input.type === "number" && !Number.isFinite(raw)) return;
    edit((doc) => {
      if (path.startsWith("camera.")) setPath(doc.camera, path.slice(7), raw);
      else if (path.startsWith("stage.")) setPath(doc.stage, path.slice(6), raw);
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
  if (d.stagePreset) {
    const { sky, ground } = STAGE_PRESETS[d.stagePreset];
    return edit((doc) => { Object.assign(doc.stage, { sky, ground }); });
  }
  if (d.size) return frameSize(d.size);
  if (d.setKey !== undefined) return setKey();
  if (d.addKey !== undefined) return addKey();
  if (d.removeKey !== undefined) return removeKey(Number(d.removeKey));
  if (d.goto !== undefined) return scrubTo(state.doc.camera.keys[Number(d.goto)].t);
  if (d.view) return setView(d.view);
  if (d.mode) return setMode(d.mode);
  if (t.matches("[data-undo]")) return undo();
  if (t.matches("[data-redo]")) return redo();
  if (t.matches("[data-save]")) { autosave.cancel(); return save(); }
  if (t.matches("[data-reload]")) return load();
  if (t.matches("[data-capture]")) return capture(t);
  if (t.matches("[data-export]")) return exportLayout(t);
  if (t.matches("[data-import]")) return $("[data-import-file]").click();
  if (d.addSet) return addSet(state.assets.find((a) => String(a.id) === d.addSet));
  if (t.matches("[data-render-move]")) return renderMove(t);
  if (d.generateFrom) return generateFromLayout(t, Number(d.generateFrom));
  if (d.animateFrom) return animateFrom(t, Number(d.animateFrom));
  if (t.matches("[data-play]")) return play();
});

function add(kind, character = null, at = viewport ? viewport.dropPoint() : [0, 0, 0]) {
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

/** Key the camera at the playhead from the view (the director's camera, or the lens as it is now). */
function setKey() {
  if (!viewport) return;
  const pose = viewport.viewPose();
  edit((doc) => {
    const keys = doc.camera.keys;
    if (keys.length >= MAX_KEYS && keyIndexAtTime(doc) < 0) { toast(`A move has at most ${MAX_KEYS} keys.`, "error"); return; }
    const key = keys[activeKeyIndex(doc)];
    key.position = roundVec(pose.position);
    key.target = roundVec(pose.target);
    key.roll = Math.round(pose.roll * 10) / 10;
  });
}

/** Make a static camera move: a key at the playhead (the end of the shot if it is at the start), from the view. */
function addKey() {
  if (!viewport || state.doc.camera.keys.length > 1) return setKey();
  if (state.time < keyTolerance()) scrubTo(1);
  const pose = viewport.viewPose();
  const t = Math.round(state.time * 1000) / 1000;
  edit((doc) => {
    doc.camera.keys = [{ ...doc.camera.keys[0], t: 0 },
      { t, position: roundVec(pose.position), target: roundVec(pose.target), roll: Math.round(pose.roll * 10) / 10 }];
  });
}

function removeKey(i) {
  edit((doc) => {
    const keys = doc.camera.keys;
    if (keys.length < 2) return;
    keys.splice(i, 1);
    if (keys.length === 1) keys[0].t = 0;
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

// Drag a character, a set piece or a light from the left panel onto the stage: it lands where it is dropped.
root.addEventListener("dragstart", (e) => {
  const t = e.target.closest?.("[data-add], [data-add-character]");
  if (!t || !editable) return;
  e.dataTransfer.setData("application/x-previz", JSON.stringify(t.dataset.add ? { add: t.dataset.add } : { character: t.dataset.addCharacter }));
  e.dataTransfer.effectAllowed = "copy";
});
$("[data-viewport]").addEventListener("dragover", (e) => {
  if (editable && e.dataTransfer.types.includes("application/x-previz")) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }
});
$("[data-viewport]").addEventListener("drop", (e) => {
  const raw = e.dataTransfer.getData("application/x-previz");
  if (!raw || !viewport || !editable) return;
  e.preventDefault();
  const at = viewport.groundAt(e.clientX, e.clientY);
  if (!at) { toast("Drop it on the ground.", "info"); return; }
  const what = JSON.parse(raw);
  if (what.character) add(null, data.characters.find((c) => String(c.id) === what.character), at);
  else add(what.add, null, at);
});

// --- Timeline --------------------------------------------------------------------------------------

const scrub = $("[data-scrub]");
function scrubTo(t, { fromInput = false } = {}) {
  state.time = Math.max(0, Math.min(1, t));
  if (!fromInput) scrub.value = String(Math.round(state.time * 1000));
  $("[data-time]").textContent = `${(state.time * duration).toFixed(1)}s / ${duration.toFixed(1)}s`;
  viewport?.setTime(state.time);
  if (state.doc) {
    const pose = poseAt(state.doc.camera.keys, state.time);
    for (const [path, value] of [["key.roll", Math.round(pose.roll * 10) / 10], ["key.position.1", Math.round(pose.position[1] * 1000) / 1000]]) {
      const input = root.querySelector(`[data-edit="${path}"]`);
      if (input && document.activeElement !== input) input.value = value;
    }
    drawKeys();
  }
}

/** The keys panel and the key marks on the timeline, which both follow the playhead. */
function drawKeys() {
  const cam = state.doc.camera;
  $("[data-keys-fields]").innerHTML = keysPanel(cam, duration, editable, keyIndexAtTime(state.doc), state.time);
  $("[data-key-marks]").innerHTML = cam.keys.length > 1
    ? cam.keys.map((k, i) => `<button type="button" class="pv-key-mark" style="left:${(k.t * 100).toFixed(2)}%" data-goto="${i}"
        title="Key ${i + 1} at ${(k.t * duration).toFixed(1)}s" aria-label="Go to key ${i + 1}"
        aria-current="${Math.abs(k.t - state.time) <= keyTolerance()}"></button>`).join("")
    : "";
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

async function submitJob(body) {
  const response = await fetch(data.api.jobs, {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRFToken": csrf(), Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ shot: data.shot.id, ...body }),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const [field, msg] = Object.entries(answer || {})[0] || [];
    throw new Error(Array.isArray(msg) ? `${field === "detail" ? "" : `${field}: `}${msg[0]}` : msg || `The server answered ${response.status}.`);
  }
  return answer;
}

async function generateFromLayout(button, takeId) {
  button.disabled = true;
  const body = { depth_take: takeId };
  if ($("[data-from-colour]")?.checked) body.init_take = takeId;
  if ($("[data-with-references]")?.checked) body.use_references = true;
  try {
    await submitJob(body);
    toast(`Queued a depth-guided frame from layout v${state.version}: it appears on the shot page.`, "success");
    button.textContent = "Queued ✓";
  } catch (err) {
    toast(err.message, "error");
    button.disabled = false;
  }
}

async function animateFrom(button, takeId) {
  button.disabled = true;
  try {
    await submitJob({ kind: "clip", first_frame_take: takeId });
    toast("Queued a clip that starts on this frame: it appears on the shot page.", "success");
    button.textContent = "Queued ✓";
  } catch (err) {
    toast(err.message, "error");
    button.disabled = false;
  }
}

// --- Interchange: glTF out, imported sets in --------------------------------------------------------

function fileName(ext) {
  const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${slug(data.project.title || "layout")}-shot-${slug(data.shot.number)}-v${state.version}.${ext}`;
}

async function exportLayout(button) {
  if (!viewport || !state.doc) return;
  button.disabled = true;
  try {
    const glb = await viewport.exportGltf(state.doc, { binary: true, duration });
    const url = URL.createObjectURL(new Blob([glb], { type: "model/gltf-binary" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: fileName("glb") });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    toast(`Exported ${state.doc.objects.length} objects and the shot camera as glTF.`, "success");
  } catch (err) {
    toast(`Could not export: ${err.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

function drawSets() {
  const host = $("[data-sets]");
  if (host) host.innerHTML = setButtons(state.assets);
}

/** Upload a glTF/GLB set to the project, then place it on the stage. */
async function importSet(file) {
  const limit = data.limits.asset_bytes;
  if (file.size > limit) {
    toast(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; a set may be at most ${(limit / 2 ** 20).toFixed(0)} MiB.`, "error");
    return;
  }
  const button = $("[data-import]");
  button.disabled = true;
  button.classList.add("busy");
  try {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("name", file.name.replace(/\.(glb|gltf)$/i, "").slice(0, 200) || "Set");
    const response = await fetch(data.api.assets, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const reason = body?.file?.[0] || body?.detail || Object.values(body || {})[0]?.[0] || `the server answered ${response.status}`;
      throw new Error(`${file.name} was not imported: ${reason}`);
    }
    state.assets = [body, ...state.assets.filter((a) => a.id !== body.id)];
    drawSets();
    addSet(body);
    toast(`Imported the set “${body.name}”.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    button.disabled = false;
    button.classList.remove("busy");
  }
}

function addSet(asset) {
  if (!asset || !editable) return;
  const obj = makeObject("environment", state.doc, [0, 0, 0], null, asset);
  edit((doc) => { doc.objects.push(obj); });
  select(obj.id);
}

// --- Keys -----------------------------------------------------------------------------------------

document.addEventListener("keydown", (e) => {
  const typing = e.target.closest("input:not([type=range], [type=checkbox]), select, textarea, [contenteditable]");
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === "z" && !typing) { e.preventDefault(); (e.shiftKey ? redo : undo)(); return; }
  if (mod && e.key.toLowerCase() === "y" && !typing) { e.preventDefault(); redo(); return; }
  if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); autosave.cancel(); save(); return; }
  if (typing || mod || e.altKey) return;
  if ((e.key === "Delete" || e.key === "Backspace") && state.selected && editable) { e.preventDefault(); remove(state.selected); }
  else if (e.key === "w" || e.key === "W") setMode("translate");
  else if (e.key === "e" || e.key === "E") setMode("rotate");
  else if ((e.key === "k" || e.key === "K") && editable) addKey();
  else if (e.key === "Home") scrubTo(0);
  else if (e.key === "End") scrubTo(1);
  else if (e.key === " " && !e.target.closest("button")) { e.preventDefault(); play(); }
  else if (e.key === "Escape") select(null);
});

window.addEventListener("beforeunload", (e) => {
  if (editable && state.doc && !same(state.doc, state.base)) { save(); e.preventDefault(); }
});

if (editable) {
  $("[data-add-cast]").innerHTML = castButtons(data.characters);
  $("[data-palette]").innerHTML = palette();
  drawSets();
  $("[data-import-file]").addEventListener("change", (e) => {
    const [file] = e.target.files;
    e.target.value = "";
    if (file) importSet(file);
  });
}

// For tests and the curious: the editor's state, read only.
window.previz = {
  get version() { return state.version; },
  get layout() { return clone(state.doc); },
  get saved() { return !!state.doc && same(state.doc, state.base) && !state.saving; },
  get viewport() { return viewport; },
};

load().then(() => { scrubTo(0); root.dataset.ready = "true"; }).catch((err) => setStatus(`Could not load the layout: ${err.message}`, "error"));

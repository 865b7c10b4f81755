// The editor's controls: the panels' fields and buttons (one change and one click listener on the page),
// dragging a character, set piece or light from the left panel onto the stage, and the keyboard.

import { toast } from "../lib/toast.js";
import { animateFrom, capture, generateFromLayout, renderMove } from "./capture.js";
import { add, edit, redo, remove, select, selectedObject, undo } from "./document.js";
import { addSet, exportLayout } from "./interchange.js";
import { activeKey, addKey, frameSize, removeKey, setKey } from "./keys.js";
import { STAGE_PRESETS } from "./model.js";
import { $, data, editable, root, state } from "./page.js";
import { load, saveNow } from "./saving.js";
import { play, scrubTo } from "./timeline.js";
import { placeFrame, setMode, setView } from "./view.js";

function setPath(target, path, value) {
  const parts = path.split(".");
  let node = target;
  for (const p of parts.slice(0, -1)) node = node[p];
  node[parts[parts.length - 1]] = value;
}

/** A field with data-edit="path" sets that path of the camera, the stage, the key at the playhead or the selection. */
function onChange(e) {
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
}

function onClick(e) {
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
  if (t.matches("[data-save]")) return saveNow();
  if (t.matches("[data-reload]")) return load();
  if (t.matches("[data-capture]")) return capture(t);
  if (t.matches("[data-export]")) return exportLayout(t);
  if (t.matches("[data-import]")) return $("[data-import-file]").click();
  if (d.addSet) return addSet(state.assets.find((a) => String(a.id) === d.addSet));
  if (t.matches("[data-render-move]")) return renderMove(t);
  if (d.generateFrom) return generateFromLayout(t, Number(d.generateFrom));
  if (d.animateFrom) return animateFrom(t, Number(d.animateFrom));
  if (t.matches("[data-play]")) return play();
}

// Drag a character, a set piece or a light from the left panel onto the stage: it lands where it is dropped.
function armDragAndDrop() {
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
    if (!raw || !state.viewport || !editable) return;
    e.preventDefault();
    const at = state.viewport.groundAt(e.clientX, e.clientY);
    if (!at) { toast("Drop it on the ground.", "info"); return; }
    const what = JSON.parse(raw);
    if (what.character) add(null, data.characters.find((c) => String(c.id) === what.character), at);
    else add(what.add, null, at);
  });
}

function onKeydown(e) {
  const typing = e.target.closest("input:not([type=range], [type=checkbox]), select, textarea, [contenteditable]");
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === "z" && !typing) { e.preventDefault(); (e.shiftKey ? redo : undo)(); return; }
  if (mod && e.key.toLowerCase() === "y" && !typing) { e.preventDefault(); redo(); return; }
  if (mod && e.key.toLowerCase() === "s") { e.preventDefault(); saveNow(); return; }
  if (typing || mod || e.altKey) return;
  if ((e.key === "Delete" || e.key === "Backspace") && state.selected && editable) { e.preventDefault(); remove(state.selected); }
  else if (e.key === "w" || e.key === "W") setMode("translate");
  else if (e.key === "e" || e.key === "E") setMode("rotate");
  else if ((e.key === "k" || e.key === "K") && editable) addKey();
  else if (e.key === "Home") scrubTo(0);
  else if (e.key === "End") scrubTo(1);
  else if (e.key === " " && !e.target.closest("button")) { e.preventDefault(); play(); }
  else if (e.key === "Escape") select(null);
}

export function armControls() {
  root.addEventListener("change", onChange);
  root.addEventListener("click", onClick);
  armDragAndDrop();
  document.addEventListener("keydown", onKeydown);
}

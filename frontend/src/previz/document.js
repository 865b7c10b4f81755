// The document: every edit makes a new layout (undo and redo are snapshots of it), and the page is redrawn
// from it. What follows an edit (drawing, autosave) is wired in by index.js through `onDocument`.

import { History } from "./history.js";
import { clone, makeObject } from "./model.js";
import { $, editable, state } from "./page.js";

const hooks = { redraw: () => {}, changed: () => {} };

/** `redraw()` draws the page from the document; `changed()` follows every change of it (autosave). */
export function onDocument({ redraw, changed }) {
  Object.assign(hooks, { redraw, changed });
}

export function redraw() {
  hooks.redraw();
}

export const history = new History(() => {
  const undo = $("[data-undo]"), redo = $("[data-redo]");
  if (undo) undo.disabled = !history.canUndo;
  if (redo) redo.disabled = !history.canRedo;
});

export function selectedObject(doc = state.doc) {
  return doc?.objects.find((o) => o.id === state.selected) || null;
}

/** The character a shot-size preset frames: the selection if it is one, else the framing's subject, else the first. */
export function framingSubject(doc) {
  const chars = doc.objects.filter((o) => o.type === "character");
  const sel = selectedObject(doc);
  if (sel?.type === "character") return sel;
  return chars.find((o) => o.id === doc.camera.framing?.subject) || chars[0] || null;
}

/** Change the document: `fn` mutates a copy; an edit that changes nothing is not one. */
export function edit(fn) {
  if (!editable || !state.doc) return;
  const before = JSON.stringify(state.doc);
  const next = clone(state.doc);
  fn(next);
  if (JSON.stringify(next) === before) return;
  history.push(before);
  state.doc = next;
  hooks.redraw();
  hooks.changed();
}

function replaceDoc(json) {
  state.doc = JSON.parse(json);
  if (!selectedObject()) state.selected = null;
  hooks.redraw();
  hooks.changed();
}

export function undo() {
  const json = history.undo(JSON.stringify(state.doc));
  if (json) replaceDoc(json);
}

export function redo() {
  const json = history.redo(JSON.stringify(state.doc));
  if (json) replaceDoc(json);
}

export function select(id) {
  state.selected = id && state.doc.objects.some((o) => o.id === id) ? id : null;
  hooks.redraw();
}

/** Put a new object on the stage (a set piece or light `kind`, a `character`, or an imported set `asset`) and select it. */
export function add(kind, character = null, at = state.viewport ? state.viewport.dropPoint() : [0, 0, 0], asset = null) {
  const obj = makeObject(kind, state.doc, at, character, asset);
  edit((doc) => { doc.objects.push(obj); });
  select(obj.id);
}

export function remove(id) {
  edit((doc) => {
    doc.objects = doc.objects.filter((o) => o.id !== id);
    if (doc.camera.framing?.subject === id) doc.camera.framing.subject = null;
  });
  if (state.selected === id) select(null);
}

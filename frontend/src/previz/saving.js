// Saving: the layout is PUT with If-Match (its version), on Save / Ctrl+S and 1.5 s after the last change.
// A save the server merged with someone else's keeps what was typed since; a 409 (both changed the same
// object) stops saving until the layout is reloaded. The status line says where the document stands.

import { api, ApiError } from "../lib/api.js";
import { debounce, esc } from "../lib/dom.js";
import { history, redraw } from "./document.js";
import { clone, merge, same } from "./model.js";
import { $, data, editable, state } from "./page.js";

const AUTOSAVE_MS = 1500;

export function setStatus(text, kind = "") {
  const node = $("[data-save-status]");
  node.innerHTML = text;
  node.dataset.kind = kind;
}

export function showSaved() {
  if (state.conflict || state.refused) return; // the reason stays up until the next save
  if (!same(state.doc, state.base)) setStatus("Unsaved changes", "dirty");
  else setStatus(state.version ? `Saved v${state.version}` : "No changes yet", "saved"); // never saved, untouched
}

export async function save() {
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

/** Stop saving: the layout must be reloaded (the Reload button) before this browser saves again. */
export function conflict(message) {
  state.conflict = message;
  autosave.cancel();
  setStatus(`<span>${esc(message)}</span> <button type="button" class="btn btn-sm" data-reload>Reload</button>`, "error");
}

export const autosave = debounce(() => save(), AUTOSAVE_MS);

/** Save now (the Save button, Ctrl+S, before a capture). */
export function saveNow() {
  autosave.cancel();
  return save();
}

let firstLoad = null;

/** Ask for the layout before three.js sets up, so that the two overlap; `load()` takes that answer. */
export function startLoading() {
  firstLoad = api("GET", data.api.layout);
}

/** (Re)load the layout as the server has it; what was not saved is dropped, and so is the undo history. */
export async function load() {
  const body = await (firstLoad || api("GET", data.api.layout));
  firstLoad = null;
  state.version = body.version;
  state.base = body.layout;
  state.doc = clone(body.layout);
  state.conflict = null;
  history.clear();
  redraw();
}

/** Leaving with unsaved changes: save them, and let the browser ask whether to leave. */
export function saveOnLeave() {
  window.addEventListener("beforeunload", (e) => {
    if (editable && state.doc && !same(state.doc, state.base)) { save(); e.preventDefault(); }
  });
}

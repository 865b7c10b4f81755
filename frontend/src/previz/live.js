// Live: a collaborator's save arrives as layout.updated and is taken in without a reload (merged object by
// object with what is being edited here, or a conflict when both changed the same object); the shot's lens,
// size and duration follow shot.updated; after a reconnect an unchanged layout is read again.

import { toast } from "../lib/toast.js";
import { history, redraw, selectedObject } from "./document.js";
import { clone, merge, same } from "./model.js";
import { $, data, state } from "./page.js";
import { autosave, conflict, load } from "./saving.js";
import { scrubTo } from "./timeline.js";

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

/** The camera's lens and framing size are the shot's: a new one from the board (or another editor) is taken
 * into what was last saved and, unless the lens is being changed here, into what is being edited. */
function takeShotLens(shot) {
  const lensOf = (layout) => layout && [layout.camera.focal_mm, layout.camera.framing?.size];
  const unsavedHere = !same(lensOf(state.doc), lensOf(state.base));
  const changed = !same(lensOf(state.base), [shot.lens_mm, shot.size]);
  for (const layout of unsavedHere ? [state.base] : [state.base, state.doc]) {
    if (!layout) continue;
    layout.camera.focal_mm = shot.lens_mm;
    layout.camera.framing = { size: shot.size, subject: layout.camera.framing?.subject ?? null };
  }
  if (changed && !unsavedHere) redraw();
}

function onShotUpdated(message) {
  const shot = message.data?.shot;
  if (!shot || shot.id !== data.shot.id) return;
  takeShotLens(shot);
  if (shot.lens_mm) $("[data-spec-lens]").textContent = shot.lens_mm;
  if (shot.size) $("[data-spec-size]").textContent = shot.size;
  if (shot.duration && shot.duration !== state.duration) {
    state.duration = shot.duration;
    $("[data-spec-duration]").textContent = String(Math.round(state.duration * 10) / 10);
    scrubTo(state.time);
  }
}

function connect(studio) {
  studio.socket.on("layout.updated", onLayoutUpdated);
  studio.socket.on("shot.updated", onShotUpdated);
  studio.socket.on("resync", () => { if (same(state.doc, state.base)) load(); });
}

/** Listen to the project's socket once the shell has opened it. */
export function connectLive() {
  if (window.studio) connect(window.studio);
  else document.addEventListener("studio:ready", (e) => connect(e.detail), { once: true });
}

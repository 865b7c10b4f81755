// The previz page: a shot's 3D layout editor. This file only wires the parts together:
//   page.js        the page's data and the editor's shared state
//   document.js    the document, its edits and their history (undo, redo, select, add, remove)
//   saving.js      saving with If-Match, autosave, merges and conflicts; loading; the status line
//   live.js        layout.updated and shot.updated from the project's socket
//   view.js        the page drawn from the document; the lens frame; view and gizmo modes
//   keys.js        the camera's keys and the shot-size presets;  timeline.js  the playhead and playing
//   controls.js    the panels' fields and buttons, drag and drop onto the stage, the keyboard
//   capture.js     capture, render move, generate and animate from a capture
//   interchange.js glTF out, imported sets in
// and the viewport (editor.js, stage.js, camera.js, mannequin.js), model.js (the schema, merge) and panel.js (HTML).

import { toast } from "../lib/toast.js";
import { armControls } from "./controls.js";
import { edit, onDocument, select } from "./document.js";
import { Viewport } from "./editor.js";
import { armImport, drawSets } from "./interchange.js";
import { activeKey } from "./keys.js";
import { connectLive } from "./live.js";
import { clone, roundVec, same } from "./model.js";
import { $, data, editable, root, state } from "./page.js";
import { castButtons, palette } from "./panel.js";
import { autosave, load, saveOnLeave, setStatus, startLoading } from "./saving.js";
import { armTimeline, scrubTo } from "./timeline.js";
import { drawPage, placeFrame } from "./view.js";

// The layout is asked for first, while three.js sets up: the two overlap.
startLoading();

try {
  state.viewport = new Viewport($("[data-viewport]"), {
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
  state.viewport.onResize = placeFrame;
} catch (err) {
  const box = $("[data-gl-error]");
  box.hidden = false;
  box.textContent = `3D is not available in this browser (${err.message}).`;
}

onDocument({ redraw: drawPage, changed: () => autosave() });
connectLive();
armControls();
armTimeline();
saveOnLeave();

if (editable) {
  $("[data-add-cast]").innerHTML = castButtons(data.characters);
  $("[data-palette]").innerHTML = palette();
  drawSets();
  armImport();
}

// For tests and the curious: the editor's state, read only.
window.previz = {
  get version() { return state.version; },
  get layout() { return clone(state.doc); },
  get saved() { return !!state.doc && same(state.doc, state.base) && !state.saving; },
  get viewport() { return state.viewport; },
};

load().then(() => { scrubTo(0); root.dataset.ready = "true"; }).catch((err) => setStatus(`Could not load the layout: ${err.message}`, "error"));

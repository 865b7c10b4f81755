// The page drawn from the document: the viewport, the object list, the inspector, the stage and camera
// panels, the shot's specs, and the lens view's frame (aspect, thirds, safe areas) over the viewport.

import { horizontalFov, poseAt } from "./camera.js";
import { framingSubject, selectedObject } from "./document.js";
import { SIZES } from "./model.js";
import { $, data, editable, root, state } from "./page.js";
import { cameraPanel, inspector, objectList, stagePanel } from "./panel.js";
import { showSaved } from "./saving.js";
import { drawKeys } from "./timeline.js";

export function drawPage() {
  const doc = state.doc;
  if (!doc) return;
  const viewport = state.viewport;
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

/** The frame of the shot camera over the viewport, in the lens view only. */
export function placeFrame() {
  const frame = $("[data-frame]");
  const viewport = state.viewport;
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

/** Look from the director's orbit view or through the lens. */
export function setView(view) {
  for (const b of root.querySelectorAll("[data-view]")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
  state.viewport?.setView(view);
  placeFrame();
}

/** Move (W) or turn (E) with the gizmo. */
export function setMode(mode) {
  for (const b of root.querySelectorAll("[data-mode]")) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
  state.viewport?.setMode(mode);
}

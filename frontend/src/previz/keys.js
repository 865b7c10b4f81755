// The shot camera's move as keys: which key an edit changes (auto-key between keys), keying the view at the
// playhead (K), making a static camera move, removing a key, and the ECU…ELS presets that frame a character.

import { toast } from "../lib/toast.js";
import { frameSubject, keyIndexAt, keyTolerance, poseAt } from "./camera.js";
import { edit, framingSubject } from "./document.js";
import { roundVec } from "./model.js";
import { data, state } from "./page.js";
import { scrubTo } from "./timeline.js";

const MAX_KEYS = 16; // as the server allows (studio/shots/layout.py)

/** The index of the key a camera edit changes: the one at the playhead; a static camera's only key; or, between keys
 * of a move, a new key at the playhead with the pose the move had there (auto-key, as animation tools do). */
export function activeKeyIndex(doc) {
  const found = keyIndexAt(doc.camera.keys, state.time, state.duration);
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

export function activeKey(doc) {
  return doc.camera.keys[activeKeyIndex(doc)];
}

/** Key the camera at the playhead from the view (the director's camera, or the lens as it is now). */
export function setKey() {
  if (!state.viewport) return;
  const pose = state.viewport.viewPose();
  edit((doc) => {
    const keys = doc.camera.keys;
    if (keys.length >= MAX_KEYS && keyIndexAt(keys, state.time, state.duration) < 0) {
      toast(`A move has at most ${MAX_KEYS} keys.`, "error");
      return;
    }
    const key = keys[activeKeyIndex(doc)];
    key.position = roundVec(pose.position);
    key.target = roundVec(pose.target);
    key.roll = Math.round(pose.roll * 10) / 10;
  });
}

/** Make a static camera move: a key at the playhead (the end of the shot if it is at the start), from the view. */
export function addKey() {
  if (!state.viewport || state.doc.camera.keys.length > 1) return setKey();
  if (state.time < keyTolerance(state.duration)) scrubTo(1);
  const pose = state.viewport.viewPose();
  const t = Math.round(state.time * 1000) / 1000;
  edit((doc) => {
    doc.camera.keys = [{ ...doc.camera.keys[0], t: 0 },
      { t, position: roundVec(pose.position), target: roundVec(pose.target), roll: Math.round(pose.roll * 10) / 10 }];
  });
}

export function removeKey(i) {
  edit((doc) => {
    const keys = doc.camera.keys;
    if (keys.length < 2) return;
    keys.splice(i, 1);
    if (keys.length === 1) keys[0].t = 0;
  });
}

/** A shot-size preset (ECU…ELS): the framing is the shot's, and the key at the playhead frames its subject. */
export function frameSize(size) {
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

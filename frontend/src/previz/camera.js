// The shot camera: lens and sensor to field of view, keyframes over time, and framing a character.

import * as THREE from "three";
import { SENSORS } from "./model.js";

const DEG = Math.PI / 180;

/** Horizontal field of view in degrees of a lens on a sensor. */
export function horizontalFov(focalMm, sensor) {
  const w = (SENSORS[sensor] || SENSORS.super35).w;
  return (2 * Math.atan(w / (2 * focalMm))) / DEG;
}

/** three.js takes a vertical FOV: the frame is the sensor's width cropped to the project's aspect. */
export function verticalFov(focalMm, sensor, aspect) {
  const h = horizontalFov(focalMm, sensor) * DEG;
  return (2 * Math.atan(Math.tan(h / 2) / aspect)) / DEG;
}

const lerp = (a, b, t) => a + (b - a) * t;
const lerp3 = (a, b, t) => [lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)];
const ease = (t) => t * t * (3 - 2 * t);

/** The camera's {position, target, roll} at time t (0..1) of the shot. */
export function poseAt(keys, t) {
  if (keys.length === 1 || t <= keys[0].t) return keys[0];
  const last = keys[keys.length - 1];
  if (t >= last.t) return last;
  let i = 0;
  while (i < keys.length - 2 && keys[i + 1].t < t) i += 1;
  const a = keys[i], b = keys[i + 1];
  const u = ease((t - a.t) / (b.t - a.t || 1));
  return { t, position: lerp3(a.position, b.position, u), target: lerp3(a.target, b.target, u), roll: lerp(a.roll, b.roll, u) };
}

/** How close (in shot time, 0..1) the playhead must be to a key to be on it: one frame at 24 fps. */
export function keyTolerance(duration) {
  return Math.max(0.001, 1 / (24 * duration)) / 2;
}

/** The index of the key at time t (0..1) of a shot of `duration` seconds, or -1; a static camera's only key is always there. */
export function keyIndexAt(keys, t, duration) {
  if (keys.length === 1) return 0;
  return keys.findIndex((k) => Math.abs(k.t - t) <= keyTolerance(duration));
}

/** Place a three.js camera at a pose. */
export function applyPose(cam, pose) {
  cam.position.set(...pose.position);
  cam.up.set(0, 1, 0);
  cam.lookAt(new THREE.Vector3(...pose.target));
  cam.rotateZ(-(pose.roll || 0) * DEG);
  cam.updateMatrixWorld();
}

// How much of a standing figure the frame's height holds, and where its centre sits (fractions of height).
const FRAMING = {
  ECU: { span: 0.07, centre: 0.935 }, CU: { span: 0.2, centre: 0.9 }, MCU: { span: 0.36, centre: 0.82 },
  MS: { span: 0.55, centre: 0.73 }, MLS: { span: 0.78, centre: 0.62 }, LS: { span: 1.25, centre: 0.52 },
  ELS: { span: 4.0, centre: 0.5 },
};

/** A pose that frames `subject` (a character object) at `size`, keeping the camera's bearing. */
export function frameSubject(pose, subject, size, focalMm, sensor, aspect) {
  const f = FRAMING[size];
  const h = subject.height * (subject.pose === "sit" ? 0.72 : subject.pose === "lie" ? 0.3 : 1);
  const vfov = verticalFov(focalMm, sensor, aspect) * DEG;
  const distance = (f.span * h) / 2 / Math.tan(vfov / 2);
  const centreY = subject.pose === "lie" ? 0.25 : f.centre * h;
  const [sx, , sz] = subject.position;
  let dx = pose.position[0] - sx, dz = pose.position[2] - sz;
  const len = Math.hypot(dx, dz);
  if (len < 1e-3) {
    const a = (subject.rotation[1] || 0) * DEG;
    dx = Math.sin(a); dz = Math.cos(a);
  } else {
    dx /= len; dz /= len;
  }
  const target = [sx, centreY, sz];
  const position = [sx + dx * distance, centreY, sz + dz * distance];
  return { ...pose, position: position.map((v) => Math.round(v * 1000) / 1000), target: target.map((v) => Math.round(v * 1000) / 1000) };
}

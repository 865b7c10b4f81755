// A mannequin: jointed primitives in the character's colour, scaled to its height, in a pose preset.

import * as THREE from "three";
import { shared } from "./geometry.js";

const H = 1.8; // built at 1.8 m, scaled to the character's height

function limb(length, radius, material) {
  const mesh = new THREE.Mesh(shared(`capsule:${radius}:${length}`, () => new THREE.CapsuleGeometry(radius, Math.max(0.01, length - 2 * radius), 4, 10)), material);
  mesh.position.y = -length / 2;
  mesh.castShadow = true;
  return mesh;
}

function joint(x, y, z) {
  const g = new THREE.Group();
  g.position.set(x, y, z);
  return g;
}

const POSES = {
  stand: { arms: [0, 0], elbows: [0, 0], hips: [0, 0], knees: [0, 0], lift: 0 },
  walk: { arms: [0.45, -0.45], elbows: [-0.25, -0.25], hips: [-0.45, 0.4], knees: [0.15, 0.45], lift: -0.03 },
  sit: { arms: [-0.35, -0.35], elbows: [-0.9, -0.9], hips: [-1.57, -1.57], knees: [1.57, 1.57], lift: -0.44 },
  point: { arms: [0, -1.55], elbows: [0, 0], hips: [0, 0], knees: [0, 0], lift: 0 },
  lie: { arms: [0, 0], elbows: [0, 0], hips: [0, 0], knees: [0, 0], lift: 0 },
};

/** A THREE.Group standing on y = 0 and facing +z. */
export function buildMannequin({ color, height, pose }) {
  const root = new THREE.Group();
  const body = new THREE.Group();
  root.add(body);
  const skin = new THREE.MeshStandardMaterial({ color, roughness: 0.65, metalness: 0.05 });
  const dark = new THREE.MeshStandardMaterial({ color: new THREE.Color(color).multiplyScalar(0.6), roughness: 0.7 });
  const p = POSES[pose] || POSES.stand;

  const pelvis = new THREE.Mesh(shared("pelvis", () => new THREE.CapsuleGeometry(0.13, 0.12, 4, 10)), dark);
  pelvis.rotation.z = Math.PI / 2;
  pelvis.position.y = 0.95;
  const torso = new THREE.Mesh(shared("torso", () => new THREE.CapsuleGeometry(0.16, 0.3, 4, 12)), skin);
  torso.position.y = 1.22;
  torso.scale.set(1, 1, 0.68);
  const neck = new THREE.Mesh(shared("neck", () => new THREE.CylinderGeometry(0.045, 0.05, 0.1, 8)), skin);
  neck.position.y = 1.5;
  const head = new THREE.Mesh(shared("head", () => new THREE.SphereGeometry(0.105, 20, 16)), skin);
  head.scale.set(0.92, 1.12, 1);
  head.position.y = 1.64;
  const nose = new THREE.Mesh(shared("nose", () => new THREE.ConeGeometry(0.022, 0.05, 8)), dark); // shows which way it faces
  nose.rotation.x = Math.PI / 2;
  nose.position.set(0, 1.63, 0.11);
  for (const m of [pelvis, torso, neck, head, nose]) { m.castShadow = true; body.add(m); }

  [-1, 1].forEach((side, i) => {
    const shoulder = joint(side * 0.21, 1.43, 0);
    shoulder.rotation.x = p.arms[i];
    shoulder.rotation.z = side * 0.08;
    shoulder.add(limb(0.3, 0.05, skin));
    const elbow = joint(0, -0.3, 0);
    elbow.rotation.x = p.elbows[i];
    elbow.add(limb(0.28, 0.042, skin));
    shoulder.add(elbow);
    body.add(shoulder);

    const hip = joint(side * 0.1, 0.92, 0);
    hip.rotation.x = p.hips[i];
    hip.add(limb(0.45, 0.068, dark));
    const knee = joint(0, -0.45, 0);
    knee.rotation.x = p.knees[i];
    knee.add(limb(0.44, 0.056, dark));
    const foot = new THREE.Mesh(shared("foot", () => new THREE.BoxGeometry(0.09, 0.06, 0.22)), dark);
    foot.position.set(0, -0.45, 0.05);
    knee.add(foot);
    hip.add(knee);
    body.add(hip);
  });

  body.position.y = p.lift;
  if (pose === "lie") {
    body.rotation.x = -Math.PI / 2;
    body.position.set(0, 0.14, 0.9);
  }
  root.scale.setScalar(height / H);
  return root;
}

// The three.js scene built from a layout: sky, ground and grid, lights, mannequins, set pieces.
// Each object's Group carries userData.id, so a click can find what it hit.

import * as THREE from "three";
import { CSS2DObject } from "three/addons/renderers/CSS2DRenderer.js";
import { shared } from "./geometry.js";
import { buildMannequin } from "./mannequin.js";

const DEG = Math.PI / 180;

function std(color, extra = {}) {
  return new THREE.MeshStandardMaterial({ color, roughness: 0.85, metalness: 0.02, ...extra });
}

function box(w, h, d, material, x = 0, y = 0, z = 0) {
  const m = new THREE.Mesh(shared(`box:${w}:${h}:${d}`, () => new THREE.BoxGeometry(w, h, d)), material);
  m.position.set(x, y, z);
  m.castShadow = true;
  m.receiveShadow = true;
  return m;
}

function cyl(rt, rb, h, material, x = 0, y = 0, z = 0, seg = 14) {
  const m = new THREE.Mesh(shared(`cyl:${rt}:${rb}:${h}:${seg}`, () => new THREE.CylinderGeometry(rt, rb, h, seg)), material);
  m.position.set(x, y, z);
  m.castShadow = true;
  return m;
}

/** A set piece at its canonical size (metres), standing on y = 0, front towards +z. */
function buildPiece(type, color) {
  const g = new THREE.Group();
  const mat = std(color);
  const dark = std(new THREE.Color(color).multiplyScalar(0.55));
  const add = (...meshes) => meshes.forEach((m) => g.add(m));
  switch (type) {
    case "wall":
      add(box(4, 2.6, 0.15, mat, 0, 1.3, 0));
      break;
    case "door":
      add(box(0.1, 2.2, 0.16, dark, -0.5, 1.1, 0), box(0.1, 2.2, 0.16, dark, 0.5, 1.1, 0),
        box(1.1, 0.1, 0.16, dark, 0, 2.15, 0), box(0.9, 2.08, 0.05, mat, 0, 1.04, 0),
        new THREE.Mesh(new THREE.SphereGeometry(0.035, 10, 8), std("#d9c27a", { metalness: 0.6 })));
      g.children[g.children.length - 1].position.set(0.35, 1.0, 0.05);
      break;
    case "window": {
      const glass = new THREE.MeshStandardMaterial({ color, transparent: true, opacity: 0.35, roughness: 0.1, metalness: 0.1 });
      add(box(1.3, 0.08, 0.14, dark, 0, 0.9, 0), box(1.3, 0.08, 0.14, dark, 0, 2.1, 0),
        box(0.08, 1.2, 0.14, dark, -0.61, 1.5, 0), box(0.08, 1.2, 0.14, dark, 0.61, 1.5, 0),
        box(0.04, 1.15, 0.06, dark, 0, 1.5, 0), box(1.16, 1.14, 0.02, glass, 0, 1.5, 0));
      break;
    }
    case "table":
      add(box(1.6, 0.05, 0.9, mat, 0, 0.73, 0));
      for (const [x, z] of [[-0.72, -0.38], [0.72, -0.38], [-0.72, 0.38], [0.72, 0.38]]) add(box(0.06, 0.71, 0.06, dark, x, 0.355, z));
      break;
    case "chair":
      add(box(0.46, 0.05, 0.46, mat, 0, 0.45, 0), box(0.46, 0.5, 0.04, mat, 0, 0.72, -0.21));
      for (const [x, z] of [[-0.2, -0.2], [0.2, -0.2], [-0.2, 0.2], [0.2, 0.2]]) add(box(0.04, 0.45, 0.04, dark, x, 0.225, z));
      break;
    case "bed":
      add(box(1.6, 0.3, 2.05, dark, 0, 0.15, 0), box(1.52, 0.22, 1.95, mat, 0, 0.41, 0),
        box(1.6, 0.9, 0.08, dark, 0, 0.45, -1.02), box(0.6, 0.12, 0.35, std("#e6e8ee"), -0.38, 0.58, -0.72),
        box(0.6, 0.12, 0.35, std("#e6e8ee"), 0.38, 0.58, -0.72));
      break;
    case "car": {
      const glass = std("#1d2430", { roughness: 0.2, metalness: 0.3 });
      add(box(1.8, 0.6, 4.4, mat, 0, 0.6, 0), box(1.6, 0.5, 2.2, glass, 0, 1.15, -0.2));
      for (const [x, z] of [[-0.85, 1.35], [0.85, 1.35], [-0.85, -1.35], [0.85, -1.35]]) {
        const w = cyl(0.33, 0.33, 0.22, std("#15171a"), x, 0.33, z, 18);
        w.rotation.z = Math.PI / 2;
        add(w);
      }
      break;
    }
    case "tree": {
      add(cyl(0.12, 0.18, 2.2, std("#5a4330"), 0, 1.1, 0));
      const leaves = new THREE.Mesh(new THREE.IcosahedronGeometry(1.2, 1), std(color, { flatShading: true }));
      leaves.position.y = 2.9;
      leaves.castShadow = true;
      add(leaves);
      break;
    }
    default:
      add(box(1, 1, 1, mat, 0, 0.5, 0));
  }
  return g;
}

function buildLight(obj) {
  const g = new THREE.Group();
  const color = new THREE.Color(obj.color);
  let light;
  if (obj.kind === "sun") {
    light = new THREE.DirectionalLight(color, obj.intensity);
    light.castShadow = true;
    light.shadow.mapSize.set(1024, 1024);
    Object.assign(light.shadow.camera, { left: -15, right: 15, top: 15, bottom: -15, near: 0.5, far: 60 });
    light.target.position.set(-obj.position[0], -obj.position[1], -obj.position[2]); // towards the origin
    g.add(light.target);
  } else {
    light = new THREE.PointLight(color, obj.intensity, 0, 2);
  }
  g.add(light);
  const bulb = new THREE.Mesh(new THREE.SphereGeometry(obj.kind === "sun" ? 0.3 : 0.1, 12, 10),
    new THREE.MeshBasicMaterial({ color }));
  bulb.userData.helper = true;
  g.add(bulb);
  return g;
}

function label(text, color, y) {
  const node = document.createElement("div");
  node.className = "pv-label";
  node.style.setProperty("--c", color);
  node.textContent = text;
  const obj = new CSS2DObject(node);
  obj.position.set(0, y, 0);
  return obj;
}

export function buildObject(obj) {
  let g;
  if (obj.type === "character") {
    g = new THREE.Group();
    g.add(buildMannequin(obj));
    g.add(label(obj.name, obj.color, obj.pose === "lie" ? 0.6 : obj.height * (obj.pose === "sit" ? 0.8 : 1) + 0.22));
  } else if (obj.type === "light") {
    g = buildLight(obj);
  } else if (obj.type === "environment") {
    g = new THREE.Group(); // the set itself arrives when its file is loaded (Stage.dress)
    g.scale.setScalar(obj.scale);
  } else {
    g = new THREE.Group();
    const piece = buildPiece(obj.type, obj.color);
    piece.scale.set(...obj.scale);
    g.add(piece);
  }
  g.position.set(...obj.position);
  g.rotation.set(obj.rotation[0] * DEG, obj.rotation[1] * DEG, obj.rotation[2] * DEG);
  g.userData.id = obj.id;
  g.traverse((c) => { c.userData.owner = obj.id; });
  return g;
}

/** Imported sets (glTF), loaded once per asset and shared by every environment that places it. */
class SetLibrary {
  constructor(urlOf) {
    this.urlOf = urlOf;
    this.loading = new Map(); // asset id -> Promise<THREE.Object3D>
  }

  get(asset) {
    if (!this.loading.has(asset)) {
      this.loading.set(asset, import("three/addons/loaders/GLTFLoader.js").then(({ GLTFLoader }) => new GLTFLoader().loadAsync(this.urlOf(asset)))
        .then((gltf) => {
          gltf.scene.traverse((c) => {
            c.userData.shared = true; // its geometry and materials outlive any one placement
            if (c.isMesh) { c.castShadow = true; c.receiveShadow = true; }
          });
          return gltf.scene;
        }));
    }
    return this.loading.get(asset);
  }
}

export class Stage {
  /** `urlOf(asset)` is where an imported set's file is; `onChange` is called when something arrives late. */
  constructor({ urlOf = null, onChange = () => {}, onError = () => {} } = {}) {
    this.library = urlOf ? new SetLibrary(urlOf) : null;
    this.onChange = onChange;
    this.onError = onError;
    this.pending = new Set(); // sets still loading, for anyone who must wait for them (captures, exports)
    this.scene = new THREE.Scene();
    this.objects = new THREE.Group();
    this.helpers = new THREE.Group(); // never in a capture
    this.scene.add(this.objects, this.helpers);
    this.hemi = new THREE.HemisphereLight(0xdfe7f5, 0x2b2620, 1.1);
    this.scene.add(this.hemi);
    this.ground = new THREE.Mesh(new THREE.PlaneGeometry(400, 400), std("#3a3f47", { roughness: 1 }));
    this.ground.rotation.x = -Math.PI / 2;
    this.ground.receiveShadow = true;
    this.scene.add(this.ground);
    this.grid = new THREE.GridHelper(60, 60, 0x6b7380, 0x4a515c);
    this.grid.material.transparent = true;
    this.grid.material.opacity = 0.35;
    this.grid.position.y = 0.002;
    this.helpers.add(this.grid);
    this.built = new Map(); // id -> {json, group}
  }

  /** Bring the scene in step with a layout, rebuilding only the objects that changed. */
  sync(layout) {
    const { stage } = layout;
    this.scene.background = new THREE.Color(stage.sky);
    this.ground.material.color.set(stage.ground);
    this.grid.visible = stage.grid;
    const seen = new Set();
    for (const obj of layout.objects) {
      seen.add(obj.id);
      const json = JSON.stringify(obj);
      const had = this.built.get(obj.id);
      if (had && had.json === json) continue;
      if (had) this.remove(obj.id);
      const group = buildObject(obj);
      this.objects.add(group);
      this.built.set(obj.id, { json, group });
      if (obj.type === "environment") this.dress(group, obj);
    }
    for (const id of [...this.built.keys()]) if (!seen.has(id)) this.remove(id);
  }

  /** Put an imported set's meshes into its environment group once its file has loaded. */
  dress(group, obj) {
    if (!this.library) return;
    const loading = this.library.get(obj.asset).then((set) => {
      if (this.built.get(obj.id)?.group !== group) return; // removed or rebuilt meanwhile
      const copy = set.clone(true);
      copy.traverse((c) => { c.userData.owner = obj.id; });
      group.add(copy);
      this.onChange();
    }, (err) => {
      if (this.built.get(obj.id)?.group !== group) return;
      const placeholder = new THREE.Mesh(new THREE.BoxGeometry(2, 2, 2), new THREE.MeshBasicMaterial({ color: 0xe5484d, wireframe: true }));
      placeholder.position.y = 1;
      placeholder.userData.owner = obj.id;
      group.add(placeholder);
      this.onError(obj, err);
      this.onChange();
    });
    this.pending.add(loading);
    loading.finally(() => this.pending.delete(loading));
  }

  /** Resolves when every set placed so far has loaded (or failed). */
  async settled() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  remove(id) {
    const had = this.built.get(id);
    if (!had) return;
    had.group.traverse((c) => {
      if (c.isCSS2DObject) c.element.remove();
      if (c.userData.shared) return; // an imported set's meshes
      if (c.geometry && !c.geometry.userData.shared) c.geometry.dispose();
      if (c.material) [].concat(c.material).forEach((m) => m.dispose());
    });
    this.objects.remove(had.group);
    this.built.delete(id);
  }

  group(id) {
    return this.built.get(id)?.group || null;
  }
}

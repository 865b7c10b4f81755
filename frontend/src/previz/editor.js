// The viewport: renderer, director's and shot cameras, orbit and transform gizmos, picking,
// the letterboxed "through the lens" view, and captures through the shot camera.

import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { TransformControls } from "three/addons/controls/TransformControls.js";
import { CSS2DRenderer } from "three/addons/renderers/CSS2DRenderer.js";
import { Stage } from "./stage.js";
import { applyPose, poseAt, verticalFov } from "./camera.js";

const DEG = Math.PI / 180;

export class Viewport {
  constructor(host, { aspect, editable, onPick, onTransform, onLensMove, setUrl = null, onSetError = () => {} }) {
    this.host = host;
    this.aspect = aspect;
    this.editable = editable;
    this.onPick = onPick;
    this.onTransform = onTransform;
    this.onLensMove = onLensMove;
    this.view = "director";
    this.time = 0;
    this.layout = null;
    this.selected = null;

    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = THREE.PCFShadowMap;
    this.renderer.domElement.className = "pv-canvas";
    host.prepend(this.renderer.domElement);
    this.labels = new CSS2DRenderer({ element: host.querySelector("[data-labels]") });

    this.stage = new Stage({ urlOf: setUrl, onChange: () => this.request(), onError: onSetError });
    this.director = new THREE.PerspectiveCamera(45, 1, 0.05, 800);
    this.director.position.set(5.5, 3.6, 7.5);
    this.shot = new THREE.PerspectiveCamera(40, aspect, 0.05, 800);
    // The shot camera as seen from the director's view: a short frustum, not one 800 m long.
    this.shotProxy = new THREE.PerspectiveCamera(40, aspect, 0.05, 1.2);
    this.shotHelper = new THREE.CameraHelper(this.shotProxy);
    this.stage.helpers.add(this.shotHelper);
    this.selectionBox = new THREE.BoxHelper(undefined, 0xf5a524);
    this.selectionBox.visible = false;
    this.stage.helpers.add(this.selectionBox);

    const canvas = this.renderer.domElement;
    this.orbit = new OrbitControls(this.director, canvas);
    this.orbit.target.set(0, 0.9, 0);
    this.orbit.addEventListener("change", () => this.request());
    this.lensOrbit = new OrbitControls(this.shot, canvas);
    this.lensOrbit.enabled = false;
    this.lensOrbit.addEventListener("change", () => { this.lensMoved = true; this.request(); });
    this.lensOrbit.addEventListener("end", () => {
      if (this.lensMoved) this.onLensMove(this.currentShotPose());
      this.lensMoved = false;
    });

    this.gizmo = new TransformControls(this.director, canvas);
    this.gizmo.setSize(0.8);
    this.gizmoHelper = this.gizmo.getHelper();
    this.stage.helpers.add(this.gizmoHelper);
    this.gizmo.addEventListener("change", () => this.request());
    this.gizmo.addEventListener("dragging-changed", (e) => {
      this.orbit.enabled = !e.value;
      if (!e.value && this.gizmo.object) {
        const o = this.gizmo.object;
        this.onTransform(o.userData.id, {
          position: [o.position.x, o.position.y, o.position.z],
          rotation: [o.rotation.x / DEG, o.rotation.y / DEG, o.rotation.z / DEG],
        });
      }
    });

    this.raycaster = new THREE.Raycaster();
    let down = null;
    canvas.addEventListener("pointerdown", (e) => { down = [e.clientX, e.clientY]; });
    canvas.addEventListener("pointerup", (e) => {
      if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4 || this.gizmo.dragging) return;
      if (this.view !== "director") return;
      this.onPick(this.pick(e));
    });

    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
    this.loop = this.loop.bind(this);
    requestAnimationFrame(this.loop);
  }

  pick(e) {
    const r = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(((e.clientX - r.left) / r.width) * 2 - 1, -((e.clientY - r.top) / r.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.director);
    const hit = this.raycaster.intersectObjects(this.stage.objects.children, true).find((h) => h.object.userData.owner);
    return hit ? hit.object.userData.owner : null;
  }

  /** The ground point under a pointer at client (x, y), to 1 cm, or null off the ground. */
  groundAt(x, y) {
    const r = this.renderer.domElement.getBoundingClientRect();
    let ndc = new THREE.Vector2(((x - r.left) / r.width) * 2 - 1, -((y - r.top) / r.height) * 2 + 1);
    const cam = this.view === "lens" ? this.shot : this.director;
    if (this.view === "lens") { // the lens view draws into the letterboxed frame only
      const f = this.frameRect();
      ndc = new THREE.Vector2(((x - r.left - f.x) / f.w) * 2 - 1, -((y - r.top - f.y) / f.h) * 2 + 1);
    }
    this.raycaster.setFromCamera(ndc, cam);
    const p = new THREE.Vector3();
    if (!this.raycaster.ray.intersectPlane(new THREE.Plane(new THREE.Vector3(0, 1, 0), 0), p) || p.length() > 900) return null;
    return [Math.round(p.x * 100) / 100, 0, Math.round(p.z * 100) / 100];
  }

  /** Where a new object goes: the ground point at the centre of the view, on a 0.5 m grid, beside what is there. */
  dropPoint() {
    const cam = this.view === "lens" ? this.shot : this.director;
    this.raycaster.setFromCamera(new THREE.Vector2(0, 0), cam);
    const p = new THREE.Vector3();
    const hit = this.raycaster.ray.intersectPlane(new THREE.Plane(new THREE.Vector3(0, 1, 0), 0), p);
    if (!hit || p.length() > 40) p.set(0, 0, 0);
    const taken = (this.layout?.objects || []).filter((o) => o.type !== "light").map((o) => o.position);
    const spots = [[0, 0], [1.5, 0], [-1.5, 0], [0, -1.5], [1.5, -1.5], [-1.5, -1.5], [0, 1.5], [3, 0], [-3, 0], [0, -3]];
    for (const [dx, dz] of spots) {
      const x = Math.round((p.x + dx) * 2) / 2, z = Math.round((p.z + dz) * 2) / 2;
      if (!taken.some((q) => Math.hypot(q[0] - x, q[2] - z) < 1.2)) return [x, 0, z];
    }
    return [Math.round(p.x * 2) / 2, 0, Math.round(p.z * 2) / 2];
  }

  setLayout(layout) {
    this.layout = layout;
    this.stage.sync(layout);
    this.updateShotCamera();
    this.setSelected(this.selected);
    this.request();
  }

  setSelected(id) {
    this.selected = id;
    const group = id ? this.stage.group(id) : null;
    if (group) {
      this.selectionBox.setFromObject(group);
      this.selectionBox.visible = true;
      if (this.editable && this.view === "director") this.gizmo.attach(group);
      else this.gizmo.detach();
    } else {
      this.selectionBox.visible = false;
      this.gizmo.detach();
    }
    this.request();
  }

  setMode(mode) {
    this.gizmo.setMode(mode);
    this.request();
  }

  setView(view) {
    this.view = view;
    this.orbit.enabled = view === "director";
    this.lensOrbit.enabled = view === "lens" && this.editable;
    this.setSelected(this.selected);
    this.resize();
  }

  setTime(t) {
    this.time = t;
    this.updateShotCamera();
    this.request();
  }

  updateShotCamera() {
    if (!this.layout) return;
    const cam = this.layout.camera;
    this.shot.fov = verticalFov(cam.focal_mm, cam.sensor, this.aspect);
    this.shot.aspect = this.aspect;
    this.shot.updateProjectionMatrix();
    const pose = poseAt(cam.keys, this.time);
    applyPose(this.shot, pose);
    this.lensOrbit.target.set(...pose.target);
    this.syncProxy();
  }

  syncProxy() {
    this.shotProxy.fov = this.shot.fov;
    this.shotProxy.aspect = this.aspect;
    this.shotProxy.updateProjectionMatrix();
    this.shotProxy.position.copy(this.shot.position);
    this.shotProxy.quaternion.copy(this.shot.quaternion);
    this.shotProxy.updateMatrixWorld();
    this.shotHelper.update();
  }

  /** The shot camera's pose as the lens view's orbit left it. */
  currentShotPose() {
    const p = this.shot.position, t = this.lensOrbit.target;
    const pose = poseAt(this.layout.camera.keys, this.time);
    return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z], roll: pose.roll };
  }

  /** The pose of whichever camera the view shows: "set this keyframe from the view". */
  viewPose() {
    if (this.view === "lens") return this.currentShotPose();
    const p = this.director.position, t = this.orbit.target;
    return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z], roll: 0 };
  }

  /** The letterboxed frame inside the viewport, in CSS pixels. */
  frameRect() {
    const w = this.width, h = this.height;
    const pad = 24;
    let fw = w - pad * 2, fh = fw / this.aspect;
    if (fh > h - pad * 2) { fh = h - pad * 2; fw = fh * this.aspect; }
    return { x: Math.round((w - fw) / 2), y: Math.round((h - fh) / 2), w: Math.round(fw), h: Math.round(fh) };
  }

  resize() {
    const r = this.host.getBoundingClientRect();
    this.width = Math.max(1, r.width);
    this.height = Math.max(1, r.height);
    this.renderer.setSize(this.width, this.height);
    this.labels.setSize(this.width, this.height);
    this.director.aspect = this.width / this.height;
    this.director.updateProjectionMatrix();
    this.request();
    this.onResize?.();
  }

  request() {
    this.dirty = true;
  }

  loop() {
    requestAnimationFrame(this.loop);
    if (this.tick) this.tick();
    if (!this.dirty || !this.layout) return; // nothing to draw before the layout (an empty stage only costs shader compiles)
    this.dirty = false;
    this.render();
  }

  render() {
    const r = this.renderer;
    const director = this.view === "director";
    this.stage.objects.traverse((o) => { if (o.userData.helper) o.visible = director; }); // light bulbs: not in the lens
    if (this.selectionBox.visible && this.selected) {
      const g = this.stage.group(this.selected);
      if (g) this.selectionBox.setFromObject(g);
    }
    if (this.view === "director") {
      this.shotHelper.visible = true;
      this.gizmoHelper.visible = !!this.gizmo.object; // nothing selected: no gizmo (it would sit at the origin)
      r.setScissorTest(false);
      r.setViewport(0, 0, this.width, this.height);
      r.render(this.stage.scene, this.director);
      this.labels.domElement.hidden = false;
      this.labels.render(this.stage.scene, this.director);
    } else {
      if (this.lensOrbit.enabled) {
        this.lensOrbit.update();
        const roll = poseAt(this.layout.camera.keys, this.time).roll || 0;
        this.shot.rotateZ(-roll * DEG);
        this.syncProxy();
      }
      const f = this.frameRect();
      this.shotHelper.visible = false;
      this.gizmoHelper.visible = false;
      this.selectionBox.visible = false;
      r.setScissorTest(false);
      r.setViewport(0, 0, this.width, this.height);
      r.setClearColor(0x000000, 1);
      const bg = this.stage.scene.background;
      this.stage.scene.background = null;
      r.clear();
      this.stage.scene.background = bg;
      r.setScissorTest(true);
      r.setScissor(f.x, this.height - f.y - f.h, f.w, f.h);
      r.setViewport(f.x, this.height - f.y - f.h, f.w, f.h);
      r.render(this.stage.scene, this.shot);
      r.setScissorTest(false);
      this.labels.domElement.hidden = true;
      this.selectionBox.visible = !!this.selected && !!this.stage.group(this.selected);
    }
  }

  /** Render a colour frame and a depth frame (near = white, far = black) through the shot camera. */
  async capture(width = 1024) {
    await this.stage.settled(); // an imported set still loading would be missing from the frame
    const w = width, h = Math.round(width / this.aspect / 2) * 2;
    const cam = this.shot.clone();
    cam.aspect = this.aspect;
    cam.updateProjectionMatrix();
    const r = this.renderer;
    const helpers = this.stage.helpers.visible;
    const labels = [];
    this.stage.scene.traverse((o) => { if (o.isCSS2DObject || o.userData.helper) { labels.push([o, o.visible]); o.visible = false; } });
    this.stage.helpers.visible = false;

    // Colour: render in linear half-float, then convert to sRGB bytes with a full-screen pass.
    const linear = new THREE.WebGLRenderTarget(w, h, { type: THREE.HalfFloatType, samples: 4 });
    const bytes = new THREE.WebGLRenderTarget(w, h);
    r.setRenderTarget(linear);
    r.render(this.stage.scene, cam);
    const quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), new THREE.ShaderMaterial({
      uniforms: { map: { value: linear.texture } },
      vertexShader: "varying vec2 vUv; void main(){ vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }",
      fragmentShader: `uniform sampler2D map; varying vec2 vUv;
        vec3 srgb(vec3 c){ return mix(c * 12.92, 1.055 * pow(c, vec3(1.0/2.4)) - 0.055, step(0.0031308, c)); }
        void main(){ vec4 c = texture2D(map, vUv); gl_FragColor = vec4(srgb(clamp(c.rgb, 0.0, 1.0)), 1.0); }`,
      depthTest: false, depthWrite: false,
    }));
    const quadScene = new THREE.Scene();
    quadScene.add(quad);
    const ortho = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
    r.setRenderTarget(bytes);
    r.render(quadScene, ortho);
    const colour = await this.readPng(bytes, w, h);

    // Depth: linear distance along the view axis between the nearest and farthest thing in frame.
    const { near, far } = this.depthRange(cam);
    const depthMat = new THREE.ShaderMaterial({
      uniforms: { uNear: { value: near }, uFar: { value: far } },
      vertexShader: "varying float vDepth; void main(){ vec4 mv = modelViewMatrix * vec4(position, 1.0); vDepth = -mv.z; gl_Position = projectionMatrix * mv; }",
      fragmentShader: "uniform float uNear; uniform float uFar; varying float vDepth; void main(){ float d = clamp((vDepth - uNear) / (uFar - uNear), 0.0, 1.0); gl_FragColor = vec4(vec3(1.0 - d), 1.0); }",
    });
    const bg = this.stage.scene.background;
    this.stage.scene.background = new THREE.Color(0x000000);
    this.stage.scene.overrideMaterial = depthMat;
    r.setRenderTarget(bytes);
    r.render(this.stage.scene, cam);
    this.stage.scene.overrideMaterial = null;
    this.stage.scene.background = bg;
    const depth = await this.readPng(bytes, w, h);

    r.setRenderTarget(null);
    for (const [o, v] of labels) o.visible = v;
    this.stage.helpers.visible = helpers;
    linear.dispose(); bytes.dispose(); quad.geometry.dispose(); quad.material.dispose(); depthMat.dispose();
    this.request();
    return { colour, depth, width: w, height: h, near, far };
  }

  /** The layout as glTF 2.0 (GLB when `binary`): one node per object, named as in the layout and carrying
   * `extras.previz` = {id, type}, and the shot camera (lens as its field of view) with its move as an animation. */
  async exportGltf(layout, { binary = true, duration = 3, fps = 24 } = {}) {
    await this.stage.settled();
    const { GLTFExporter } = await import("three/addons/exporters/GLTFExporter.js");
    const scene = new THREE.Scene();
    scene.name = "Previz layout";
    for (const obj of layout.objects) {
      const group = this.stage.group(obj.id);
      if (!group) continue;
      const copy = group.clone(true);
      const drop = [];
      copy.traverse((c) => {
        if (c.isCSS2DObject || c.userData.helper) drop.push(c);
        c.userData = {};
      });
      for (const c of drop) c.removeFromParent();
      copy.name = obj.name;
      copy.userData = { previz: { id: obj.id, type: obj.type, ...(obj.character ? { character: obj.character } : {}) } };
      scene.add(copy);
    }
    const cam = this.shot.clone();
    cam.name = "Shot camera";
    cam.aspect = this.aspect;
    cam.near = 0.05;
    cam.far = 800;
    applyPose(cam, poseAt(layout.camera.keys, 0));
    cam.updateProjectionMatrix();
    cam.userData = { previz: { type: "camera", focal_mm: layout.camera.focal_mm, sensor: layout.camera.sensor } };
    scene.add(cam);
    const animations = [];
    const keys = layout.camera.keys;
    if (keys.length > 1) {
      const frames = Math.max(2, Math.round(duration * fps) + 1);
      const times = [], positions = [], rotations = [];
      const probe = new THREE.PerspectiveCamera();
      for (let i = 0; i < frames; i += 1) {
        const t = i / (frames - 1);
        applyPose(probe, poseAt(keys, t));
        times.push(t * duration);
        positions.push(...probe.position.toArray());
        rotations.push(...probe.quaternion.toArray());
      }
      animations.push(new THREE.AnimationClip("Camera move", duration, [
        new THREE.VectorKeyframeTrack(`${cam.uuid}.position`, times, positions),
        new THREE.QuaternionKeyframeTrack(`${cam.uuid}.quaternion`, times, rotations),
      ]));
    }
    return new GLTFExporter().parseAsync(scene, { binary, animations, onlyVisible: false });
  }

  depthRange(cam) {
    const box = new THREE.Box3().setFromObject(this.stage.objects);
    let far = 30;
    if (!box.isEmpty()) {
      const corners = [];
      for (const x of [box.min.x, box.max.x]) for (const y of [box.min.y, box.max.y]) for (const z of [box.min.z, box.max.z]) corners.push(new THREE.Vector3(x, y, z));
      far = Math.max(...corners.map((c) => c.distanceTo(cam.position))) * 1.15;
    }
    return { near: 0.1, far: Math.min(300, Math.max(far, 8)) };
  }

  async readPng(target, w, h) {
    const pixels = new Uint8Array(w * h * 4);
    this.renderer.readRenderTargetPixels(target, 0, 0, w, h, pixels);
    const canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(w, h);
    const row = w * 4;
    for (let y = 0; y < h; y += 1) img.data.set(pixels.subarray((h - 1 - y) * row, (h - y) * row), y * row);
    ctx.putImageData(img, 0, 0);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }
}

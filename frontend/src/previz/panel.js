// The side panels as HTML: the object list, the Add palette, the inspector, the camera and its move.
// Every input carries data-edit="path" (a path into the selected object or the camera), read by index.js.

import { esc } from "../lib/dom.js";
import { horizontalFov } from "./camera.js";
import { PIECE_LABELS, POSES, SENSORS, SET_PIECES, SIZES, STAGE_PRESETS } from "./model.js";

const ICONS = {
  character: '<circle cx="8" cy="4" r="2.2"/><path d="M4.5 14.5V9.5a3.5 3.5 0 0 1 7 0v5"/>',
  light: '<circle cx="8" cy="7" r="3.5"/><path d="M6.5 12.5h3M7 14.5h2"/>',
  wall: '<rect x="2" y="4" width="12" height="8"/><path d="M2 8h12M6 4v4M10 8v4"/>',
  door: '<rect x="4" y="2" width="8" height="12"/><circle cx="10" cy="8.5" r=".6"/>',
  window: '<rect x="3" y="3" width="10" height="10"/><path d="M8 3v10M3 8h10"/>',
  table: '<path d="M2 6h12M4 6v7M12 6v7"/>',
  chair: '<path d="M5 2v12M5 8h6v6M5 8"/>',
  bed: '<path d="M2 13V5M2 10h12v3M5 10V8h7a2 2 0 0 1 2 2"/>',
  car: '<path d="M2 11V8l2-3h7l3 3v3z"/><circle cx="5" cy="11.5" r="1.3"/><circle cx="11" cy="11.5" r="1.3"/>',
  tree: '<path d="M8 2l4.5 8h-9zM8 10v4"/>',
  box: '<path d="M2.5 5L8 2l5.5 3v6L8 14l-5.5-3zM2.5 5L8 8l5.5-3M8 8v6"/>',
  sun: '<circle cx="8" cy="8" r="3"/><path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6 13 13M3 13l1.4-1.4M11.6 4.4 13 3"/>',
  practical: '<path d="M5 2h6l-1.5 5h-3zM8 7v7M5.5 14h5"/>',
  environment: '<path d="M1.5 13.5h13M2.5 13.5V7L8 3l5.5 4v6.5M6 13.5v-4h4v4"/>',
};

export function icon(kind) {
  return `<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round" aria-hidden="true">${ICONS[kind] || ICONS.box}</svg>`;
}

function kindOf(obj) {
  return obj.type === "light" ? obj.kind : obj.type;
}

export function objectList(layout, selected, editable) {
  if (!layout.objects.length) {
    return `<li class="pv-empty faint small">Nothing on the stage yet.${editable ? " Add a character or a set piece below." : ""}</li>`;
  }
  return layout.objects.map((o) => `
    <li class="pv-obj" role="option" aria-selected="${o.id === selected}" data-id="${esc(o.id)}" data-type="${esc(o.type)}">
      <span class="pv-obj-icon" style="--c:${esc(o.color || "#aab2bd")}">${icon(kindOf(o))}</span>
      <span class="pv-obj-name">${esc(o.name)}</span>
      ${editable ? `<button type="button" class="pv-obj-del" data-delete="${esc(o.id)}" title="Delete (Del)" aria-label="Delete ${esc(o.name)}">×</button>` : ""}
    </li>`).join("");
}

export function castButtons(characters) {
  if (!characters.length) return '<p class="faint small">No characters in the cast yet.</p>';
  return characters.map((c) => `<button type="button" class="chip" draggable="true" style="--c:${esc(c.color)}" data-add-character="${c.id}" title="Click to add, or drag onto the stage"><span class="dot"></span>${esc(c.name)}</button>`).join("");
}

/** The project's imported sets, each a button that places it. */
export function setButtons(assets) {
  if (!assets.length) return '<p class="faint small">No sets imported yet: bring a location built elsewhere as glTF.</p>';
  return assets.map((a) => `
    <button type="button" class="pv-set" data-add-set="${a.id}" title="Place ${esc(a.name)} on the stage">
      ${icon("environment")}<span class="pv-set-name">${esc(a.name)}</span><span class="faint small mono">${(a.bytes / 2 ** 20).toFixed(1)} MB</span>
    </button>`).join("");
}

export function palette() {
  return [...SET_PIECES, "sun", "practical"].map((k) => `
    <button type="button" class="pv-piece" draggable="true" data-add="${k}" title="Add a ${esc(PIECE_LABELS[k].toLowerCase())} (or drag it onto the stage)">${icon(k)}<span>${esc(PIECE_LABELS[k])}</span></button>`).join("");
}

function num(label, path, value, { step = 0.1, min, max, unit = "" } = {}) {
  return `<label class="pv-num"><span>${label}</span><input type="number" data-edit="${path}" value="${Math.round(value * 1000) / 1000}" step="${step}"${min !== undefined ? ` min="${min}"` : ""}${max !== undefined ? ` max="${max}"` : ""}>${unit ? `<i>${unit}</i>` : ""}</label>`;
}

function vec(label, path, v, opts) {
  return `<div class="pv-vec"><span class="label">${label}</span><div class="pv-vec-row">${["X", "Y", "Z"].map((a, i) => num(a, `${path}.${i}`, v[i], opts)).join("")}</div></div>`;
}

export function inspector(obj, editable) {
  if (!obj) return "";
  const dis = editable ? "" : " disabled";
  let html = `<div class="field"><label for="pv-name">Name</label><input id="pv-name" data-edit="name" value="${esc(obj.name)}" maxlength="120"${dis}></div>`;
  html += vec("Position (m)", "position", obj.position, { step: 0.1 });
  html += vec("Rotation (°)", "rotation", obj.rotation, { step: 5, min: -360, max: 360 });
  if (obj.type === "character") {
    html += `<div class="pv-two">${num("Height", "height", obj.height, { step: 0.05, min: 0.3, max: 3, unit: "m" })}
      <div class="field"><label for="pv-color">Colour</label><input id="pv-color" type="color" data-edit="color" value="${esc(obj.color)}"${dis}></div></div>
      <div class="field"><span class="label">Pose</span><div class="segmented pv-poses" role="group" aria-label="Pose">${POSES.map((p) => `<button type="button" data-pose="${p}" aria-pressed="${obj.pose === p}"${dis}>${p[0].toUpperCase() + p.slice(1)}</button>`).join("")}</div></div>`;
  } else if (obj.type === "light") {
    html += `<div class="pv-two">${num("Intensity", "intensity", obj.intensity, { step: 0.5, min: 0, max: 100 })}
      <div class="field"><label for="pv-color">Colour</label><input id="pv-color" type="color" data-edit="color" value="${esc(obj.color)}"${dis}></div></div>`;
  } else if (obj.type === "environment") {
    html += `<div class="pv-two">${num("Scale", "scale", obj.scale, { step: 0.1, min: 0.001, max: 1000 })}
      <div class="pv-fov"><span class="label">Set</span><span class="small faint">imported glTF #${esc(obj.asset)}</span></div></div>`;
  } else {
    html += vec("Scale", "scale", obj.scale, { step: 0.1, min: 0.01, max: 100 });
    html += `<div class="field"><label for="pv-color">Colour</label><input id="pv-color" type="color" data-edit="color" value="${esc(obj.color)}"${dis}></div>`;
  }
  return editable ? html : html.replace(/<input /g, "<input disabled ");
}

const LENSES = [18, 24, 35, 50, 85, 135];

export function cameraPanel(camera, pose, subjectName, editable) {
  const dis = editable ? "" : " disabled";
  const hfov = horizontalFov(camera.focal_mm, camera.sensor);
  const size = camera.framing?.size || null;
  return `
    <div class="pv-two">
      ${num("Lens", "camera.focal_mm", camera.focal_mm, { step: 1, min: 4, max: 1200, unit: "mm" })}
      <div class="pv-fov"><span class="label">Horizontal FOV</span><b class="mono" data-hfov>${hfov.toFixed(1)}°</b></div>
    </div>
    <div class="pv-lenses" role="group" aria-label="Lens presets">${LENSES.map((l) => `<button type="button" class="btn btn-sm" data-lens="${l}" aria-pressed="${camera.focal_mm === l}"${dis}>${l}</button>`).join("")}</div>
    <div class="field"><label for="pv-sensor">Sensor</label><select id="pv-sensor" data-edit="camera.sensor"${dis}>${Object.entries(SENSORS).map(([k, s]) => `<option value="${k}"${k === camera.sensor ? " selected" : ""}>${s.label} · ${s.w}×${s.h} mm</option>`).join("")}</select></div>
    <div class="field"><span class="label">Shot size ${subjectName ? `<span class="faint">on ${esc(subjectName)}</span>` : ""}</span>
      <div class="segmented pv-sizes" role="group" aria-label="Shot size">${SIZES.map(([k, label]) => `<button type="button" data-size="${k}" title="${label}" aria-pressed="${size === k}"${dis}>${k}</button>`).join("")}</div>
      <span class="help faint small">${subjectName ? "Dollies the camera to frame the character." : "Select a character to frame it."}</span></div>
    <div class="pv-two">
      ${num("Roll", "key.roll", pose.roll, { step: 1, min: -180, max: 180, unit: "°" })}
      ${num("Height", "key.position.1", pose.position[1], { step: 0.1, unit: "m" })}
    </div>`.replace(/<input /g, editable ? "<input " : "<input disabled ");
}

/** The camera's keys: each with its time, go to, set from the view and remove; a key at the playhead is marked. */
export function keysPanel(camera, duration, editable, current, time) {
  const keys = camera.keys;
  const dis = editable ? "" : " disabled";
  const at = `${(time * duration).toFixed(1)}s`;
  if (keys.length === 1) {
    return `
      <div class="pv-key" data-key-row="0" aria-current="true">
        <span class="pv-key-dot" aria-hidden="true"></span><span class="pv-key-name">Static</span>
        <span class="mono small faint">whole shot</span><span class="spacer"></span>
      </div>
      ${editable ? `<div class="pv-key-actions">
        <button type="button" class="btn btn-sm" data-set-key="0" title="The camera takes the view's position">Set from view</button>
        <button type="button" class="btn btn-sm" data-add-key title="Key the camera at the playhead (K)">Add a key ${time > 0 ? `at ${at}` : "at the end"}</button>
      </div>` : ""}
      <p class="faint small">A static camera. Add a key to move it over the shot.</p>`;
  }
  const rows = keys.map((key, i) => `
    <div class="pv-key" data-key-row="${i}" aria-current="${i === current}">
      <span class="pv-key-dot" aria-hidden="true"></span>
      <span class="pv-key-name">Key ${i + 1}</span>
      <span class="mono small faint">${(key.t * duration).toFixed(1)}s${key.roll ? ` · ${key.roll}°` : ""}</span>
      <span class="spacer"></span>
      <button type="button" class="btn btn-sm btn-ghost" data-goto="${i}">Go to</button>
      ${editable ? `<button type="button" class="btn btn-sm btn-ghost pv-key-del" data-remove-key="${i}" aria-label="Remove key ${i + 1}" title="Remove this key">×</button>` : ""}
    </div>`).join("");
  const action = current >= 0
    ? `<button type="button" class="btn btn-sm" data-set-key="${current}"${dis} title="Key ${current + 1} takes the view's position (K)">Set key ${current + 1} from view</button>`
    : `<button type="button" class="btn btn-sm" data-add-key${dis} title="A new key at the playhead from the view (K)">Add key at ${at}</button>`;
  return `${rows}
    <div class="pv-key-actions">${editable ? action : ""}</div>
    <p class="faint small">${keys.length} keys over ${duration.toFixed(1)}s. Scrub or play the timeline to preview; moving the lens between keys adds one.</p>`;
}

/** Sky, ground and grid, with presets for a time of day. */
export function stagePanel(stage, editable) {
  const dis = editable ? "" : " disabled";
  const preset = Object.entries(STAGE_PRESETS).find(([, p]) => p.sky === stage.sky && p.ground === stage.ground)?.[0];
  return `
    <div class="segmented pv-presets" role="group" aria-label="Stage presets">${Object.entries(STAGE_PRESETS).map(([k, p]) => `
      <button type="button" data-stage-preset="${k}" aria-pressed="${preset === k}"${dis}><span class="pv-swatch" style="--sky:${p.sky};--ground:${p.ground}"></span>${p.label}</button>`).join("")}</div>
    <div class="pv-two">
      <div class="field"><label for="pv-sky">Sky</label><input id="pv-sky" type="color" data-edit="stage.sky" value="${esc(stage.sky)}"${dis}></div>
      <div class="field"><label for="pv-ground">Ground</label><input id="pv-ground" type="color" data-edit="stage.ground" value="${esc(stage.ground)}"${dis}></div>
    </div>
    <label class="check small"><input type="checkbox" data-edit="stage.grid"${stage.grid ? " checked" : ""}${dis}><span>Grid on the ground <span class="faint">(never in a capture)</span></span></label>`;
}

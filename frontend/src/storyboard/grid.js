// The storyboard's panels: the storyboard (GET storyboard/) drawn as a grid in script order, grouped by scene.

import { esc, formatDuration } from "../lib/dom.js";

export const WHY = { approved: "Approved", picked: "Picked", newest: "Newest", capture: "Previz", sketch: "Sketch" };

/** The scenes of the storyboard's panels in order: [{id, number, heading, panels}]. */
export function scenesOf(panels) {
  const scenes = [];
  let current = null;
  for (const panel of panels) {
    if (!current || current.id !== panel.scene) {
      current = { id: panel.scene, number: panel.scene_number, heading: panel.scene_heading, panels: [] };
      scenes.push(current);
    }
    current.panels.push(panel);
  }
  return scenes;
}

function frame(panel) {
  const why = `<span class="sb-badge sb-why-${esc(panel.selected)}" data-why>${esc(WHY[panel.selected] || panel.selected)}${panel.take_number ? ` · v${panel.take_number}` : ""}</span>`;
  if (panel.selected === "sketch" || !panel.thumbnail_url) {
    return `<div class="sb-frame sb-sketch" data-frame><span class="sb-size">${esc(panel.size)}</span>${why}</div>`;
  }
  return `<div class="sb-frame" data-frame><img src="${esc(panel.thumbnail_url)}" alt="Shot ${esc(panel.number)}, take v${panel.take_number}" loading="lazy" data-take-img="${panel.take}">${why}</div>`;
}

function panelHtml(panel, projectId) {
  const lines = panel.lines.map((line) => `<p class="sb-line">${line.speaker ? `<span class="sb-speaker">${esc(line.speaker)}</span> ` : ""}${esc(line.text)}</p>`).join("");
  return [
    `<article class="sb-panel" data-panel="${panel.shot}" data-selected="${esc(panel.selected)}">`,
    `  ${frame(panel)}`,
    '  <div class="sb-meta">',
    `    <a class="sb-num" href="/projects/${projectId}/shots/${panel.shot}/" title="Open shot ${esc(panel.number)}">${esc(panel.number)}</a>`,
    `    <span class="sb-dur" data-duration>${esc(formatDuration(Number(panel.duration)))}</span>`,
    `    <span class="sb-tc mono faint">${esc(panel.timecode)}</span>`,
    "  </div>",
    `  <div class="sb-camera" data-part="camera">${esc(panel.camera)}</div>`,
    panel.action ? `  <p class="sb-action" data-part="action">${esc(panel.action)}</p>` : "",
    lines ? `  <div class="sb-lines" data-part="dialogue">${lines}</div>` : "",
    panel.dialogue_too_long
      ? `  <p class="sb-warn" data-dialogue-too-long title="Lengthen the shot or trim the lines: the animatic's scratch dialogue would run into the next shot.">Dialogue ≈ ${esc(formatDuration(panel.speech_s))}, longer than the shot</p>`
      : "",
    "</article>",
  ].join("\n");
}

/** The grid's HTML for ``panels`` (already filtered). */
export function gridHtml(panels, projectId) {
  if (!panels.length) {
    return '<div class="empty"><div class="empty-title">No shots yet</div>Add shots on the shot board; each becomes a panel here.</div>';
  }
  return scenesOf(panels).map((scene) => [
    `<section class="sb-scene" data-scene="${scene.id}">`,
    `  <h2 class="sb-scene-head"><span class="sb-scene-num">${scene.number}</span>${esc(scene.heading)}<span class="faint small">${scene.panels.length} shot${scene.panels.length === 1 ? "" : "s"}</span></h2>`,
    '  <div class="sb-panels">',
    scene.panels.map((p) => panelHtml(p, projectId)).join("\n"),
    "  </div>",
    "</section>",
  ].join("\n")).join("\n");
}

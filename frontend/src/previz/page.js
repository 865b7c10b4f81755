// What every part of the previz editor shares: the page's data, its root element, and the editor's state.

import { pageData } from "../lib/dom.js";

export const data = pageData("previz-data");
export const root = document.querySelector("[data-previz]");
export const $ = (sel) => root.querySelector(sel);
export const editable = data.can_edit;

export const state = {
  doc: null, // the layout as edited here
  base: null, // the layout as last saved or received (what `version` is)
  version: 0,
  selected: null,
  saving: false,
  again: false,
  conflict: null,
  refused: null, // why the last save was refused (400, 403), shown until the next one
  time: 0, // the playhead, 0..1 of the shot
  duration: data.shot.duration || 3, // seconds; keys are fractions of it, so a new duration keeps the move
  assets: data.assets, // the project's imported sets, newest first
  viewport: null, // the three.js Viewport (editor.js), or null where WebGL is not available
};

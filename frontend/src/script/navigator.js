// The scene navigator beside the editor: every scene heading, the one the cursor is in highlighted;
// a click puts the cursor on that heading.

import { EditorSelection } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { esc } from "../lib/dom.js";
import { scenesOf } from "./fountain.js";

export class SceneNavigator {
  constructor(box, classified, getView) {
    this.box = box;
    this.getView = getView;
    this.scenes = [];
    this.current = -1;
    classified.listeners.add((c) => this.render(c));
    box.addEventListener("click", (e) => {
      const item = e.target.closest("[data-line]");
      if (!item) return;
      e.preventDefault();
      const view = this.getView();
      const line = view.state.doc.line(Number(item.dataset.line) + 1);
      view.dispatch({ selection: EditorSelection.cursor(line.from), effects: EditorView.scrollIntoView(line.from, { y: "start", yMargin: 40 }) });
      view.focus();
    });
  }

  render(classified) {
    this.scenes = scenesOf(classified.lines, classified.kinds);
    const items = this.scenes
      .map((s, i) => `<a href="#" data-line="${s.line}" data-index="${i}" class="${i === this.current ? "active" : ""}">
          <span class="n">${esc(s.number)}</span><span class="h" title="${esc(s.text)}">${esc(s.text)}</span></a>`)
      .join("");
    this.box.innerHTML = `<div class="nav-title">Scenes <span class="faint">${this.scenes.length}</span></div>${
      items || '<p class="faint small" style="padding:0 10px">Scene headings (INT., EXT.) appear here as you write them.</p>'
    }`;
  }

  /** Highlight the scene that holds this (0-based) line. */
  follow(lineIndex) {
    let index = -1;
    for (let i = 0; i < this.scenes.length && this.scenes[i].line <= lineIndex; i++) index = i;
    if (index === this.current) return;
    this.current = index;
    this.box.querySelectorAll("[data-index]").forEach((a) => a.classList.toggle("active", Number(a.dataset.index) === index));
  }
}

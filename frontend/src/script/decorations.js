// Screenplay layout in the editor: each line gets the class of what it is (heading, cue, dialogue …),
// which the stylesheet indents as a printed page would; emphasis, notes and boneyard are marked inline.

import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, ViewPlugin } from "@codemirror/view";
import { classify } from "./fountain.js";

const lineDeco = {};
const line = (kind) => (lineDeco[kind] ??= Decoration.line({ class: `fn-line fn-${kind}` }));
const INLINE = [
  { re: /\*\*\*(.+?)\*\*\*/g, deco: Decoration.mark({ class: "fn-bold fn-italic" }) },
  { re: /\*\*(.+?)\*\*/g, deco: Decoration.mark({ class: "fn-bold" }) },
  { re: /(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)/g, deco: Decoration.mark({ class: "fn-italic" }) },
  { re: /_(.+?)_/g, deco: Decoration.mark({ class: "fn-underline" }) },
  { re: /\[\[.*?\]\]/g, deco: Decoration.mark({ class: "fn-note-inline" }) },
  { re: /\/\*.*?\*\//g, deco: Decoration.mark({ class: "fn-boneyard-inline" }) },
];

/** The classification of the whole document, kept for whoever needs it (the scene navigator). */
export class Classified {
  constructor() {
    this.lines = [];
    this.kinds = [];
    this.listeners = new Set();
  }

  update(doc) {
    this.lines = doc.toString().split("\n");
    this.kinds = classify(this.lines);
    for (const fn of this.listeners) fn(this);
  }
}

export function fountainLayout(classified) {
  return ViewPlugin.fromClass(
    class {
      constructor(view) {
        classified.update(view.state.doc);
        this.decorations = this.build(view);
      }

      update(update) {
        if (update.docChanged) classified.update(update.state.doc);
        if (update.docChanged || update.viewportChanged) this.decorations = this.build(update.view);
      }

      build(view) {
        const builder = new RangeSetBuilder();
        for (const { from, to } of view.visibleRanges) {
          let pos = from;
          while (pos <= to) {
            const ln = view.state.doc.lineAt(pos);
            const kind = classified.kinds[ln.number - 1] || "action";
            builder.add(ln.from, ln.from, line(kind));
            const marks = [];
            if (kind !== "boneyard") {
              for (const { re, deco } of INLINE) {
                re.lastIndex = 0;
                for (let m; (m = re.exec(ln.text)); ) marks.push([ln.from + m.index, ln.from + m.index + m[0].length, deco]);
              }
            }
            marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            let last = ln.from;
            for (const [a, b, deco] of marks) {
              if (a >= last) {
                builder.add(a, b, deco);
                last = b;
              }
            }
            pos = ln.to + 1;
          }
        }
        return builder.finish();
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}

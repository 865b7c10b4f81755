// Undo and redo over the whole layout document (snapshots: a layout is at most 256 KB).

const LIMIT = 200;

export class History {
  constructor(onChange) {
    this.undos = [];
    this.redos = [];
    this.onChange = onChange;
  }

  /** Remember `before` (a JSON string of the document before an edit). */
  push(before) {
    this.undos.push(before);
    if (this.undos.length > LIMIT) this.undos.shift();
    this.redos = [];
    this.onChange();
  }

  undo(current) {
    if (!this.undos.length) return null;
    this.redos.push(current);
    const out = this.undos.pop();
    this.onChange();
    return out;
  }

  redo(current) {
    if (!this.redos.length) return null;
    this.undos.push(current);
    const out = this.redos.pop();
    this.onChange();
    return out;
  }

  clear() {
    this.undos = [];
    this.redos = [];
    this.onChange();
  }

  get canUndo() { return this.undos.length > 0; }
  get canRedo() { return this.redos.length > 0; }
}

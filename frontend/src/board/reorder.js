// Reordering shots: drag a card before or after another (in any scene), or Alt+arrows on a focused card.

export class Reorder {
  constructor(main, state, app) {
    this.main = main;
    this.state = state;
    this.app = app;
    this.dragged = null;
    if (!state.can("edit_shots")) return;
    main.addEventListener("dragstart", (e) => this.start(e));
    main.addEventListener("dragend", () => this.end());
    main.addEventListener("dragover", (e) => this.over(e));
    main.addEventListener("dragleave", (e) => {
      if (!main.contains(e.relatedTarget)) this.clearMarks();
    });
    main.addEventListener("drop", (e) => this.drop(e));
    main.addEventListener("keydown", (e) => this.key(e));
  }

  start(e) {
    const card = e.target.closest?.("[data-shot]");
    if (!card) return;
    this.dragged = Number(card.dataset.shot);
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", String(this.dragged));
    requestAnimationFrame(() => card.classList.add("dragging"));
  }

  end() {
    this.main.querySelector(".shot.dragging")?.classList.remove("dragging");
    this.clearMarks();
    this.dragged = null;
  }

  clearMarks() {
    this.main.querySelectorAll(".drop-before, .drop-after").forEach((n) => n.classList.remove("drop-before", "drop-after"));
    this.main.querySelectorAll(".drop-target").forEach((n) => n.classList.remove("drop-target"));
  }

  /** Where a drop at this event would land: {scene, before: shot id | null (= at the end)}. */
  target(e) {
    const list = e.target.closest?.("[data-shots]");
    if (!list) return null;
    const scene = Number(list.dataset.shots);
    const card = e.target.closest("[data-shot]");
    if (!card) return { scene, before: null, card: null, side: null };
    const rect = card.getBoundingClientRect();
    const after = e.clientX > rect.left + rect.width / 2;
    const shots = this.app.view.visibleShots(scene).map((s) => s.id);
    const index = shots.indexOf(Number(card.dataset.shot));
    const before = after ? (shots[index + 1] ?? null) : shots[index];
    return { scene, before, card, side: after ? "after" : "before" };
  }

  over(e) {
    if (this.dragged === null) return;
    const t = this.target(e);
    if (!t) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    this.clearMarks();
    if (t.card) t.card.classList.add(t.side === "after" ? "drop-after" : "drop-before");
    else this.main.querySelector(`[data-shots="${t.scene}"]`).classList.add("drop-target");
  }

  drop(e) {
    if (this.dragged === null) return;
    const t = this.target(e);
    const id = this.dragged;
    this.end();
    if (!t) return;
    e.preventDefault();
    this.move(id, t.scene, t.before);
  }

  key(e) {
    if (!e.altKey || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
    const card = e.target.closest?.("[data-shot]");
    if (!card) return;
    e.preventDefault();
    const shot = this.state.shots.get(Number(card.dataset.shot));
    const visible = this.app.view.visibleShots(shot.scene).map((s) => s.id);
    const i = visible.indexOf(shot.id);
    if (e.key === "ArrowLeft" && i > 0) this.move(shot.id, shot.scene, visible[i - 1]);
    if (e.key === "ArrowRight" && i < visible.length - 1) this.move(shot.id, shot.scene, visible[i + 2] ?? null);
    if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      const scenes = this.state.orderedScenes().map((s) => s.id);
      const next = scenes[scenes.indexOf(shot.scene) + (e.key === "ArrowUp" ? -1 : 1)];
      if (next) this.move(shot.id, next, null);
    }
  }

  /** Move a shot into ``scene`` before shot ``before`` (null: at the end), and save the new order. */
  async move(id, scene, before) {
    if (before === id) return;
    const order = this.state.shotsOf(scene).map((s) => s.id).filter((s) => s !== id);
    const at = before === null ? order.length : order.indexOf(before);
    order.splice(at < 0 ? order.length : at, 0, id);
    const current = this.state.shotsOf(scene).map((s) => s.id);
    if (JSON.stringify(order) === JSON.stringify(current)) return;
    await this.app.reorder(scene, order, id);
  }
}

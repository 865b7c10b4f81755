// The shot board page: scenes in order, their shots as cards; filters, inspector, drag to reorder;
// every change from anyone on the project arrives live.

import { api, apiAll } from "../lib/api.js";
import { pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { Filters } from "./filters.js";
import { Inspector } from "./inspector.js";
import { Reorder } from "./reorder.js";
import { BoardState } from "./state.js";
import { BoardView } from "./view.js";

class BoardApp {
  constructor(root, data, studio) {
    this.root = root;
    this.socket = studio.socket;
    this.presence = studio.presence;
    this.state = new BoardState(data);
    this.takeAsks = new Map(); // shot id → how many times its shown take was asked for (the last answer wins)
    this.toolbar = root.querySelector("[data-filters]");
    this.filters = new Filters(this.state, () => this.redraw());
    this.view = new BoardView(root, this.state, this.filters, this.presence);
    this.inspector = new Inspector(root.querySelector("[data-inspector]"), this, this.state);
    this.reorderer = new Reorder(this.view.main, this.state, this);
    this.bind();
    this.redraw();
    this.filters.render(this.toolbar);
    const wanted = Number(new URLSearchParams(location.search).get("shot"));
    if (wanted && this.state.shots.has(wanted)) this.select(wanted, { scroll: true });
    this.socket.on("*", (m) => this.onEvent(m));
    this.socket.on("resync", () => this.resync());
    // presence is per connection: tell the server what we look at whenever a connection opens
    this.socket.on("state", ({ state }) => state === "open" && this.sendFocus());
    this.presence.onChange(() => {
      this.view.renderWatchers();
      this.inspector.renderWatching();
    });
    root.dataset.ready = "true";
    this.loadMore(data.more);
  }

  /** The board's further pages of scenes, each with its shots, drawn as they come. */
  async loadMore(url) {
    try {
      while (url) {
        const page = await api("GET", url);
        const ids = page.results.map((scene) => scene.id);
        const shots = ids.length ? await apiAll(this.api(`shots/?scenes=${ids.join(",")}&page_size=500`)) : [];
        this.state.addPage(page.results, shots);
        this.redraw();
        url = page.next;
      }
      this.root.dataset.complete = "true";
    } catch (error) {
      toast(`Could not load the rest of the board: ${error.message}`, "error");
    }
  }

  api(path) {
    return `/api/v1/projects/${this.state.project.id}/${path}`;
  }

  bind() {
    const main = this.view.main;
    main.addEventListener("click", (e) => {
      const add = e.target.closest("[data-add-shot]");
      if (add) return this.addShot(Number(add.dataset.addShot));
      const edit = e.target.closest("[data-edit-scene]");
      if (edit) return this.editScene(Number(edit.dataset.editScene));
      const sceneForm = e.target.closest("[data-scene-form]");
      if (sceneForm) {
        const id = Number(sceneForm.dataset.sceneForm);
        if (e.target.closest("[data-scene-cancel]")) return this.editScene(null);
        if (e.target.closest("[data-scene-delete]")) return this.deleteScene(id);
        const move = e.target.closest("[data-scene-move]");
        if (move) return this.moveScene(id, Number(move.dataset.sceneMove));
        return;
      }
      if (e.target.closest(".open-shot")) return;
      const card = e.target.closest("[data-shot]");
      if (card) this.select(Number(card.dataset.shot));
    });
    main.addEventListener("dblclick", (e) => {
      const card = e.target.closest("[data-shot]");
      if (card && !e.target.closest("button, a, input")) location.href = `/projects/${this.state.project.id}/shots/${card.dataset.shot}/`;
    });
    main.addEventListener("keydown", (e) => {
      const card = e.target.closest?.("[data-shot]");
      if (card && e.key === "Enter") this.select(Number(card.dataset.shot));
    });
    main.addEventListener("submit", (e) => {
      if (e.target.matches("[data-new-scene]")) {
        e.preventDefault();
        this.addScene(e.target);
      }
      if (e.target.matches("[data-scene-form]")) {
        e.preventDefault();
        this.saveScene(e.target);
      }
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.inspector.shotId && !e.target.closest?.("input, textarea, select")) this.select(null);
    });
    const zoom = this.root.querySelector("[data-zoom]");
    if (zoom) {
      zoom.value = localStorage.getItem("board.cardWidth") || zoom.value;
      const apply = () => {
        main.style.setProperty("--card-w", `${zoom.value}px`);
        main.querySelectorAll(".shots").forEach((n) => n.style.setProperty("--card-w", `${zoom.value}px`));
        localStorage.setItem("board.cardWidth", zoom.value);
      };
      zoom.addEventListener("input", apply);
      this.applyZoom = apply;
    }
  }

  /** Redraws replace a scene's markup; an open scene form (and what is typed in it) is carried over. */
  keepSceneForm(draw) {
    const form = this.editingScene ? this.view.main.querySelector(`[data-scene-form="${this.editingScene}"]`) : null;
    form?.remove();
    draw();
    if (!this.editingScene) return;
    const slot = this.view.main.querySelector(`[data-scene-form-slot="${this.editingScene}"]`);
    const scene = this.state.scenes.get(this.editingScene);
    if (!slot || !scene) {
      this.editingScene = null;
      return;
    }
    if (form) slot.replaceChildren(form);
    else slot.innerHTML = this.view.sceneFormHtml(scene);
  }

  redraw() {
    this.keepSceneForm(() => this.redrawAll());
  }

  redrawAll() {
    const focused = document.activeElement?.closest?.("[data-shot]")?.dataset.shot;
    this.view.renderAll();
    this.view.select(this.inspector.shotId);
    this.applyZoom?.();
    if (focused) this.view.card(focused)?.focus({ preventScroll: true });
  }

  redrawScenes(sceneIds) {
    this.keepSceneForm(() => this.redrawSome(sceneIds));
  }

  redrawSome(sceneIds) {
    const focused = document.activeElement?.closest?.("[data-shot]")?.dataset.shot;
    for (const id of sceneIds) this.view.renderScene(id);
    this.view.renderNav();
    this.view.renderTotals();
    this.view.select(this.inspector.shotId);
    this.applyZoom?.();
    if (focused) this.view.card(focused)?.focus({ preventScroll: true });
  }

  select(shotId, { scroll = false } = {}) {
    if (shotId === this.inspector.shotId) return;
    if (shotId) this.inspector.open(shotId);
    else this.inspector.close();
    this.view.select(shotId);
    this.root.classList.toggle("inspecting", Boolean(shotId));
    const params = new URLSearchParams(location.search);
    if (shotId) params.set("shot", shotId);
    else params.delete("shot");
    const query = params.toString();
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
    this.sendFocus();
    if (scroll && shotId) this.view.card(shotId)?.scrollIntoView({ block: "center" });
  }

  sendFocus() {
    this.socket.send({ type: "focus", shot: this.inspector.shotId || null });
  }

  /** A shot as the server returned it to us: newer than what we hold, unless an event got here first. */
  receiveShot(shot) {
    const previous = this.state.shots.get(shot.id);
    if (previous && previous.version > shot.version) return;
    this.state.shots.set(shot.id, shot);
    this.redrawScenes(new Set([previous?.scene ?? shot.scene, shot.scene]));
  }

  onEvent(message) {
    if (!message.data || message.type.startsWith("presence.")) return;
    const fromMe = message.actor && message.actor.id === this.state.me.id;
    const result = this.state.apply(message);
    if (result.all) {
      this.redraw();
      if (message.type.startsWith("character.")) this.filters.render(this.toolbar);
    } else if (result.scenes.size || result.nav) {
      this.redrawScenes(result.scenes);
    }
    for (const id of result.progress) this.view.renderProgress(id);
    for (const id of result.takes) this.refreshTake(id);
    if (!fromMe) for (const id of result.shots) this.view.flash(id, message.actor?.color);
    const open = this.inspector.shotId;
    if (!open) return;
    if (result.removed.has(open)) {
      toast(`${message.actor?.name || "Someone"} deleted shot ${message.data.number}.`, "error");
      this.select(null);
    } else if (result.shots.has(open)) {
      this.inspector.remoteUpdate(message.data.changed || ["number", "scene", "status"]);
    } else if (result.all && !Object.keys(this.inspector.pending).length) {
      this.inspector.render();
    }
  }

  /** Ask the server which take a shot shows now (a take was added or reviewed), and draw it. */
  async refreshTake(shotId) {
    const asked = (this.takeAsks.get(shotId) ?? 0) + 1;
    this.takeAsks.set(shotId, asked);
    try {
      const [take] = await apiAll(this.api(`takes/?shown=true&shot=${shotId}`));
      if (this.takeAsks.get(shotId) !== asked) return; // a later change asked again
      const scene = this.state.showTake(shotId, take);
      if (scene !== undefined) this.redrawScenes(new Set([scene]));
      if (this.inspector.shotId === shotId) this.inspector.drawPreview();
    } catch (error) {
      toast(`Could not refresh the take of a shot: ${error.message}`, "error");
    }
  }

  /** After a reconnect: events may have been missed, so read the whole board again. */
  async resync() {
    try {
      const [scripts, scenes, shots, characters, members, takes] = await Promise.all(
        [
          "scripts/", "scenes/?page_size=500", "shots/?page_size=500", "characters/?page_size=500", "members/",
          "takes/?shown=true&page_size=500",
        ].map((p) => apiAll(this.api(p))),
      );
      this.state.load({ scripts, scenes, shots, characters, members, takes });
      this.redraw();
      if (this.inspector.shotId && !this.state.shots.has(this.inspector.shotId)) this.select(null);
    } catch (error) {
      toast(`Could not refresh the board: ${error.message}`, "error");
    }
  }

  async addShot(sceneId) {
    try {
      const shot = await api("POST", this.api("shots/"), { body: { scene: sceneId } });
      this.receiveShot(shot);
      this.select(shot.id);
      this.view.card(shot.id)?.classList.add("entering");
      this.inspector.root.querySelector('[data-field="description"]')?.focus();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async addScene(form) {
    const script = this.state.scripts[0];
    if (!script) return toast("This project has no script to add a scene to.", "error");
    const body = Object.fromEntries(new FormData(form));
    body.script = script.id;
    try {
      const scene = await api("POST", this.api("scenes/"), { body });
      this.state.scenes.set(scene.id, scene);
      this.redraw();
      document.getElementById(`scene-${scene.id}`)?.scrollIntoView({ block: "start" });
    } catch (error) {
      toast(error.message, "error");
    }
  }

  editScene(sceneId) {
    this.editingScene = null;
    this.view.main.querySelector("[data-scene-form]")?.remove();
    this.editingScene = sceneId;
    if (!sceneId) return;
    this.keepSceneForm(() => {});
    this.view.main.querySelector(`[data-scene-form="${sceneId}"] [name="location"]`)?.focus();
  }

  /**
   * Save what was changed in the scene form, against the version the form was opened at. If someone
   * saved the scene meanwhile (412), fields you did not touch take their values, fields you both
   * changed keep yours, and you are told which: nothing is overwritten without you seeing it.
   */
  async saveScene(form) {
    const id = Number(form.dataset.sceneForm);
    const base = JSON.parse(form.dataset.base);
    const values = Object.fromEntries(new FormData(form));
    const body = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== base[k]));
    if (!Object.keys(body).length) return this.editScene(null);
    try {
      const saved = await api("PATCH", this.api(`scenes/${id}/`), { body, version: Number(form.dataset.version) });
      this.state.scenes.set(id, saved);
      this.editingScene = null;
      this.redrawScenes(new Set([id]));
    } catch (error) {
      if (error.status !== 412) return toast(error.message, "error");
      const fresh = await api("GET", this.api(`scenes/${id}/`));
      this.state.scenes.set(id, fresh);
      const both = Object.keys(body).filter((k) => fresh[k] !== base[k] && fresh[k] !== body[k]);
      for (const [name, value] of Object.entries(base)) {
        if (!(name in body)) form.elements[name].value = fresh[name];
        base[name] = fresh[name];
      }
      form.dataset.base = JSON.stringify(base);
      form.dataset.version = fresh.version;
      this.redrawScenes(new Set([id]));
      toast(
        both.length
          ? `Someone else also changed the ${both.join(", ").replace(/_/g, " ")} of this scene. Yours is still in the form; save again to keep it.`
          : "Someone else changed this scene meanwhile; their changes are in the form now. Save again to add yours.",
        "error",
      );
    }
  }

  async deleteScene(id) {
    const scene = this.state.scenes.get(id);
    if (!window.confirm(`Delete scene ${scene.number}, ${scene.heading}?`)) return;
    try {
      await api("DELETE", this.api(`scenes/${id}/`), { version: scene.version });
      this.state.scenes.delete(id);
      this.editingScene = null;
      this.redraw();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async moveScene(id, step) {
    const scene = this.state.scenes.get(id);
    const order = this.state.orderedScenes().filter((s) => s.script === scene.script).map((s) => s.id);
    const at = order.indexOf(id);
    if (at + step < 0 || at + step >= order.length) return;
    order.splice(at, 1);
    order.splice(at + step, 0, id);
    try {
      await api("POST", this.api("scenes/reorder/"), { body: { script: scene.script, scenes: order } });
      order.forEach((sceneId, index) => this.state.scenes.set(sceneId, { ...this.state.scenes.get(sceneId), order: index }));
      this.redraw();
      document.getElementById(`scene-${id}`)?.scrollIntoView({ block: "nearest" });
    } catch (error) {
      toast(error.message, "error");
      if (error.status === 409) this.resync();
    }
  }

  /** Save a new order for a scene, showing it at once and putting it back if the server refuses. */
  async reorder(sceneId, order, movedId) {
    const before = new Map([...this.state.shots].map(([id, s]) => [id, { ...s }]));
    const source = this.state.shots.get(movedId).scene;
    order.forEach((id, index) => this.state.shots.set(id, { ...this.state.shots.get(id), order: index, scene: sceneId }));
    if (source !== sceneId) {
      this.state.shotsOf(source).forEach((s, index) => this.state.shots.set(s.id, { ...s, order: index }));
    }
    this.redrawScenes(new Set([source, sceneId]));
    this.view.card(movedId)?.focus({ preventScroll: true });
    try {
      await api("POST", this.api("shots/reorder/"), { body: { scene: sceneId, shots: order } });
    } catch (error) {
      this.state.shots = before;
      this.redrawScenes(new Set([source, sceneId]));
      toast(error.status === 409 ? `${error.message}` : `Could not move the shot: ${error.message}`, "error");
      if (error.status === 409) this.resync();
    }
  }
}

function start(studio) {
  const root = document.querySelector("[data-board]");
  if (!root || root.dataset.ready) return;
  const app = new BoardApp(root, pageData("board-state"), studio);
  window.studio.board = app;
}

if (window.studio) start(window.studio);
else document.addEventListener("studio:ready", (e) => start(e.detail), { once: true });

// The storyboard page: every shot's selected take as a panel, in script order by scene; the cut's timeline;
// exports with live progress; quick downloads; a retimed cut brought back. Whatever anyone changes in shots,
// takes, scenes, the cast or the project arrives as an event, and the page reads the storyboard again
// (debounced), as it does on a resync.

import { ApiError, api } from "../lib/api.js";
import { debounce, esc, formatDuration, pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { Exports } from "./exports.js";
import { gridHtml, scenesOf } from "./grid.js";
import { applyBody, proposalHtml } from "./retime.js";
import { Timeline } from "./timeline.js";

const LIVE = /^(take|shot|shots|scene|scenes|character)\.|^project\.updated$/;
const SHOW = ["camera", "action", "dialogue"];

class StoryboardApp {
  constructor(root, data, studio) {
    this.root = root;
    this.socket = studio.socket;
    this.project = data.project;
    this.me = data.me;
    this.can = new Set(data.me.capabilities);
    this.board = data.storyboard;
    this.downloads = data.downloads;
    this.reads = 0; // storyboard reads answered (tests watch it)
    this.grid = root.querySelector("[data-panels]");
    this.sceneSelect = root.querySelector("[data-scene-filter]");
    this.retimeBox = root.querySelector("[data-retime]");
    this.exports = new Exports(root.querySelector("[data-export-list]"), { canExport: this.can.has("export") });
    this.exports.load(data.exports);
    this.timeline = new Timeline(root.querySelector("[data-timeline]"), {
      editable: this.can.has("edit_shots"),
      onRetime: (panel, frames) => this.retimeShot(panel, frames),
    });
    this.reload = debounce(() => this.read(), 150);
    this.bind();
    this.draw();
    this.socket.on("*", (m) => this.onEvent(m));
    this.socket.on("resync", () => this.resync());
    root.dataset.ready = "true";
  }

  api(path) {
    return `/api/v1/projects/${this.project.id}/${path}`;
  }

  get scene() {
    return Number(this.sceneSelect.value) || null;
  }

  bind() {
    const size = this.root.querySelector("[data-panel-size]");
    size.value = localStorage.getItem("storyboard.panelWidth") || size.value;
    const applySize = () => {
      this.root.style.setProperty("--panel-w", `${size.value}px`);
      localStorage.setItem("storyboard.panelWidth", size.value);
    };
    size.addEventListener("input", applySize);
    applySize();
    for (const box of this.root.querySelectorAll("[data-show]")) {
      const key = `storyboard.show.${box.dataset.show}`;
      if (localStorage.getItem(key) === "0") box.checked = false;
      const apply = () => {
        this.root.classList.toggle(`hide-${box.dataset.show}`, !box.checked);
        localStorage.setItem(key, box.checked ? "1" : "0");
      };
      box.addEventListener("change", apply);
      apply();
    }
    const wanted = new URLSearchParams(location.search).get("scene");
    this.sceneSelect.addEventListener("change", () => {
      const params = new URLSearchParams(location.search);
      if (this.scene) params.set("scene", this.scene);
      else params.delete("scene");
      const query = params.toString();
      history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
      this.draw();
    });
    this.wantedScene = wanted;
    this.root.querySelector("[data-print]").addEventListener("click", () => window.print());
    this.root.addEventListener("submit", (e) => {
      const form = e.target.closest("[data-export-form]");
      if (!form) return;
      e.preventDefault();
      this.startExport(form);
    });
    this.root.addEventListener("click", (e) => {
      const cancel = e.target.closest("[data-cancel-export]");
      if (cancel) return this.cancelExport(Number(cancel.dataset.cancelExport), cancel);
      if (e.target.closest("[data-retime-close]")) return this.closeRetime();
      if (e.target.closest("[data-retime-apply]")) return this.applyRetime(e.target.closest("[data-retime-apply]"));
      return undefined;
    });
    this.root.querySelector("[data-retime-file]")?.addEventListener("change", (e) => this.readRetime(e.target));
  }

  /** Panels of the chosen scene (all without one). */
  panels() {
    const scene = this.scene;
    return scene ? this.board.panels.filter((p) => p.scene === scene) : this.board.panels;
  }

  draw() {
    this.drawScenes();
    const panels = this.panels();
    this.grid.innerHTML = gridHtml(panels, this.project.id);
    const frames = panels.reduce((sum, p) => sum + p.frames, 0);
    const rate = this.board.fps.num / this.board.fps.den;
    const totals = `<b>${panels.length}</b> shot${panels.length === 1 ? "" : "s"} · <b>${esc(formatDuration(frames / rate))}</b> · ${esc(this.fpsLabel())} fps`;
    this.root.querySelector("[data-sb-totals]").innerHTML = totals;
    const scene = this.scene && panels[0] ? ` · scene ${panels[0].scene_number}` : "";
    this.root.querySelector("[data-print-totals]").innerHTML = `${totals} · ${this.board.aspect.toFixed(2)}:1${esc(scene)}`;
    this.root.style.setProperty("--aspect", String(this.board.aspect));
    this.drawDownloads();
    this.timeline.show(panels, this.board.fps, this.exports.latestAnimatic());
    this.grid.dataset.reads = String(this.reads);
  }

  fpsLabel() {
    const { num, den } = this.board.fps;
    return den === 1 ? String(num) : (num / den).toFixed(3);
  }

  drawScenes() {
    const keep = this.sceneSelect.value || this.wantedScene || "";
    this.wantedScene = null;
    const options = scenesOf(this.board.panels).map((s) => `<option value="${s.id}">${s.number}. ${esc(s.heading)}</option>`);
    this.sceneSelect.innerHTML = `<option value="">All scenes</option>${options.join("")}`;
    this.sceneSelect.value = [...this.sceneSelect.options].some((o) => o.value === keep) ? keep : "";
  }

  drawDownloads() {
    const scene = this.scene ? `?scene=${this.scene}` : "";
    this.root.querySelector("[data-downloads]").innerHTML = this.downloads
      .map((d) => `<a href="${esc(this.api(`downloads/${d.name}`))}${scene}" download data-download="${esc(d.name)}">${esc(d.label)}</a>`).join("");
  }

  onEvent(message) {
    if (!message.data || message.type.startsWith("presence.")) return;
    if (message.type.startsWith("export.")) {
      if (this.exports.apply(message) && message.type === "export.done") {
        this.timeline.show(this.panels(), this.board.fps, this.exports.latestAnimatic());
        const e = message.data.export;
        if (e.requested_by?.id === this.me.id) {
          toast(e.status === "succeeded" ? `${e.kind_label} is ready.` : `${e.kind_label}: ${e.status}${e.error ? ` (${e.error})` : ""}.`,
            e.status === "succeeded" ? "success" : "error");
        }
      }
      return;
    }
    if (LIVE.test(message.type)) this.reload();
  }

  /** Read the storyboard again; the last answer asked for wins. */
  async read() {
    const asked = (this.asked = (this.asked || 0) + 1);
    try {
      const board = await api("GET", this.api("storyboard/"));
      if (asked !== this.asked) return;
      this.board = board;
      this.reads += 1;
      this.draw();
    } catch (error) {
      toast(`Could not refresh the storyboard: ${error.message}`, "error");
    }
  }

  /** After a gap in the events or a reconnect: read everything the page shows again. */
  async resync() {
    this.reload.cancel();
    try {
      const [, exports] = await Promise.all([this.read(), api("GET", this.api("exports/?page_size=20"))]);
      this.exports.load(exports.results); // the newest 20, as the page opened with
      this.timeline.show(this.panels(), this.board.fps, this.exports.latestAnimatic());
    } catch (error) {
      toast(`Could not refresh the exports: ${error.message}`, "error");
    }
  }

  async startExport(form) {
    const kind = form.dataset.exportForm;
    const options = {};
    for (const input of form.querySelectorAll("input[type=checkbox]")) options[input.name] = input.checked;
    for (const select of form.querySelectorAll("select")) options[select.name] = select.value;
    const body = { kind };
    if (Object.keys(options).length) body.options = options;
    if (this.scene) body.scene = this.scene;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const exp = await api("POST", this.api("exports/"), { body });
      this.exports.put(exp);
      form.closest("details")?.removeAttribute("open");
      toast(`${exp.kind_label} queued.`, "success");
    } catch (error) {
      toast(error.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  async cancelExport(id, button) {
    button.disabled = true;
    try {
      this.exports.put(await api("POST", this.api(`exports/${id}/cancel/`)));
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  }

  /** A boundary dragged on the timeline: the shot's new duration, saved against the version it was drawn at. */
  async retimeShot(panel, frames) {
    const rate = this.board.fps.num / this.board.fps.den;
    const duration = Math.round((frames / rate) * 100) / 100;
    try {
      await api("PATCH", this.api(`shots/${panel.shot}/`), { body: { duration }, version: panel.version });
      toast(`Shot ${panel.number} is ${formatDuration(duration)} now (${frames} frames).`, "success");
    } catch (error) {
      toast(error.status === 412
        ? `Someone changed shot ${panel.number} meanwhile; the timeline shows it as it is now. Drag again to change it.`
        : `Could not change shot ${panel.number}: ${error.message}`, "error");
    }
    this.reload.flush();
  }

  async readRetime(input) {
    const file = input.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    try {
      this.proposal = await api("POST", this.api("editorial/retime/"), { body: form });
      this.retimeBox.innerHTML = proposalHtml(this.proposal, file.name);
      this.retimeBox.hidden = false;
      this.retimeBox.scrollIntoView({ block: "nearest" });
    } catch (error) {
      toast(error instanceof ApiError ? `Could not read the cut: ${error.message}` : String(error), "error");
    } finally {
      input.value = "";
    }
  }

  closeRetime() {
    this.proposal = null;
    this.retimeBox.hidden = true;
    this.retimeBox.replaceChildren();
  }

  async applyRetime(button) {
    const body = applyBody(this.proposal, this.retimeBox);
    if (!body.changes.length && !body.order) return toast("Nothing is selected.", "error");
    button.disabled = true;
    try {
      const result = await api("POST", this.api("editorial/retime/apply/"), { body });
      toast(`Retimed ${result.updated.length} shot${result.updated.length === 1 ? "" : "s"}${result.reordered_scenes.length ? `, reordered ${result.reordered_scenes.length} scene${result.reordered_scenes.length === 1 ? "" : "s"}` : ""}.`, "success");
      this.closeRetime();
    } catch (error) {
      button.disabled = false;
      toast(error.status === 412 ? "A shot changed since the cut was read; read the cut again." : error.message, "error");
    }
    this.reload.flush();
  }
}

function start(studio) {
  const root = document.querySelector("[data-storyboard]");
  if (!root || root.dataset.ready) return;
  window.studio.storyboard = new StoryboardApp(root, pageData("storyboard-state"), studio);
}

if (window.studio) start(window.studio);
else document.addEventListener("studio:ready", (e) => start(e.detail), { once: true });

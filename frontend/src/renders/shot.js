// The shot page: the generation panel, the shot's jobs as they run, and its takes, all kept live.

import { fetchPart } from "../lib/api.js";
import { debounce, pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { jobActions } from "./actions.js";
import { GenerationPanel } from "./panel.js";
import { applyProgress, restorePreviews } from "./progress.js";
import { TakeStack } from "./takes.js";

const JOB_EVENTS = new Set(["job.queued", "job.started", "job.succeeded", "job.failed", "job.canceled"]);

class ShotPage {
  constructor(root, data, studio) {
    this.root = root;
    this.data = data;
    this.shotId = data.shot.id;
    this.jobs = root.querySelector('[data-part="jobs"]');
    const form = root.querySelector("[data-gen-form]");
    this.panel = form ? new GenerationPanel(form, data) : null;
    if (this.panel) this.panel.onQueued = () => this.refreshJobs();
    this.takes = new TakeStack(root.querySelector('[data-part="takes"]'), data, {
      onTakes: (takes) => this.panel?.setTakes(takes),
      onStartFrom: (takeId, kind) => {
        if (!this.panel) return;
        this.panel.startFrom(takeId, kind);
        toast(kind === "clip" ? "The clip will start on this frame." : "The frame will start from this take.", "info");
      },
    });
    jobActions(this.jobs, data.project.id, { after: () => this.refreshJobs() });
    this.refreshJobs = debounce(() => this.redrawJobs(), 120);
    this.refreshTakes = debounce(() => this.takes.refresh(), 120);
    studio.socket.on("*", (m) => this.onEvent(m));
    studio.socket.on("resync", () => {
      this.refreshJobs();
      this.refreshTakes();
    });
    // tell the board who is looking at this shot
    studio.socket.on("state", ({ state }) => state === "open" && studio.socket.send({ type: "focus", shot: this.shotId }));
    if (studio.socket.state === "open") studio.socket.send({ type: "focus", shot: this.shotId });
    root.dataset.ready = "true";
  }

  onEvent(message) {
    const d = message.data;
    if (!d) return;
    if (message.type === "job.progress") {
      if (d.shot === this.shotId && !applyProgress(this.jobs, d)) this.refreshJobs();
    } else if (JOB_EVENTS.has(message.type)) {
      if (d.job.shot === this.shotId) this.refreshJobs();
    } else if (message.type === "take.created" || message.type === "take.updated") {
      if (d.take.shot === this.shotId) this.refreshTakes();
    } else if (message.type === "shot.deleted" && d.id === this.shotId) {
      toast(`${message.actor?.name || "Someone"} deleted this shot.`, "error");
      setTimeout(() => (location.href = `/projects/${this.data.project.id}/board/`), 1500);
    }
  }

  async redrawJobs() {
    try {
      const fresh = await fetchPart("jobs");
      this.jobs.replaceChildren(...fresh.childNodes);
      restorePreviews(this.jobs);
    } catch (error) {
      if (error.status !== 404) toast(`Could not refresh the jobs: ${error.message}`, "error");
    }
  }
}

function start(studio) {
  const root = document.querySelector("[data-shot-page]");
  if (!root || root.dataset.ready) return;
  window.studio.shot = new ShotPage(root, pageData("shot-data"), studio);
}

if (window.studio) start(window.studio);
else document.addEventListener("studio:ready", (e) => start(e.detail), { once: true });

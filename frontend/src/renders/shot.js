// The shot page: the generation panel, the shot's jobs as they run, and its takes, all kept live.
//
// The server paints the jobs and takes once, with the data they were drawn from; the page's store then applies
// job.* and take.* events from their payloads (ignoring any older than what it holds) and draws the rows itself
// (rows.js). It asks the server for the parts again only after a reconnect (``resync``), when events may have
// been missed.

import { fetchPart } from "../lib/api.js";
import { pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { jobActions } from "./actions.js";
import { GenerationPanel } from "./panel.js";
import { applyProgress, restorePreviews } from "./progress.js";
import { shotJobsHTML, shotTakesHTML } from "./rows.js";
import { RenderStore, takeState } from "./store.js";
import { TakeStack } from "./takes.js";

class ShotPage {
  constructor(root, data, studio) {
    this.root = root;
    this.data = data;
    this.shotId = data.shot.id;
    this.store = new RenderStore();
    this.jobs = root.querySelector('[data-part="jobs"]');
    const takes = root.querySelector('[data-part="takes"]');
    this.store.load(takeState(this.jobs, "shot-jobs-state"));
    this.store.load(takeState(takes, "shot-takes-state"));
    const form = root.querySelector("[data-gen-form]");
    this.panel = form ? new GenerationPanel(form, data) : null;
    if (this.panel) this.panel.onQueued = (job) => this.answered(job);
    this.takes = new TakeStack(takes, data, {
      onTakes: (list) => this.panel?.setTakes(list),
      onStartFrom: (takeId, kind) => {
        if (!this.panel) return;
        this.panel.startFrom(takeId, kind);
        toast(kind === "clip" ? "The clip will start on this frame." : "The frame will start from this take.", "info");
      },
      onTake: (take) => {
        this.store.putTake(take);
        this.drawTakes();
      },
    });
    jobActions(this.jobs, data.project.id, { after: (job) => this.answered(job) });
    studio.socket.on("*", (m) => this.onEvent(m));
    studio.socket.on("resync", () => this.resync());
    // tell the board who is looking at this shot
    studio.socket.on("state", ({ state }) => state === "open" && studio.socket.send({ type: "focus", shot: this.shotId }));
    if (studio.socket.state === "open") studio.socket.send({ type: "focus", shot: this.shotId });
    root.dataset.ready = "true";
  }

  /** What the rows are drawn with. */
  context() {
    return { labels: this.data.labels, can: this.data.can, shot: this.data.shot, positions: this.store.positions,
      now: new Date() };
  }

  /** The rows as this page would draw them now (a test compares them with the server's). */
  markup() {
    const ctx = this.context();
    return { jobs: shotJobsHTML(this.shownJobs(), ctx), takes: shotTakesHTML(this.store.shotTakes(this.shotId), ctx) };
  }

  shownJobs() {
    return this.store.shotJobs(this.shotId, this.data.recent_failures_s);
  }

  drawJobs() {
    this.jobs.innerHTML = shotJobsHTML(this.shownJobs(), this.context());
    restorePreviews(this.jobs);
  }

  drawTakes() {
    this.takes.show(shotTakesHTML(this.store.shotTakes(this.shotId), this.context()));
  }

  /** A job the server answered with (submitted, canceled, retried): shown at once, unless its events came first. */
  answered(job) {
    if (job && this.store.putJob(job)) this.drawJobs();
  }

  onEvent(message) {
    const d = message.data;
    if (!d) return;
    if (message.type === "shot.deleted" && d.id === this.shotId) {
      toast(`${message.actor?.name || "Someone"} deleted this shot.`, "error");
      setTimeout(() => (location.href = `/projects/${this.data.project.id}/board/`), 1500);
      return;
    }
    const changed = this.store.apply(message);
    if (changed.progress && d.shot === this.shotId && !applyProgress(this.jobs, d)) this.drawJobs();
    // another shot's job leaving the queue moves this shot's jobs up, so any job change may change the rows
    if (changed.jobs) this.drawJobs();
    if (changed.takes && (d.take?.shot ?? d.shot) === this.shotId) this.drawTakes();
  }

  /** After a reconnect: the server's parts again, and what they were drawn from. */
  async resync() {
    try {
      const [jobs, takes] = await Promise.all([fetchPart("jobs"), fetchPart("takes")]);
      this.store.load(takeState(jobs, "shot-jobs-state"));
      this.store.load(takeState(takes, "shot-takes-state"));
      this.jobs.replaceChildren(...jobs.childNodes);
      restorePreviews(this.jobs);
      this.takes.show(takes);
    } catch (error) {
      if (error.status !== 404) toast(`Could not bring the shot up to date: ${error.message}`, "error");
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

// The queue page: the project's jobs kept live from their events. Running jobs move their bars in place; any
// other job or take event is applied to the page's store (stale ones ignored) and the lists are drawn again from
// it (rows.js), with no request to the server. The server's part is fetched again only after a reconnect.

import { fetchPart } from "../lib/api.js";
import { pageData } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { jobActions } from "./actions.js";
import { applyProgress, restorePreviews, tickElapsed } from "./progress.js";
import { queueHTML } from "./rows.js";
import { RenderStore, takeState } from "./store.js";

class QueuePage {
  constructor(page, data, studio) {
    this.data = data;
    this.part = page.querySelector('[data-part="queue"]');
    this.store = new RenderStore();
    this.store.load(takeState(this.part, "queue-state"));
    jobActions(this.part, data.project.id, { after: (job) => job && this.store.putJob(job) && this.draw() });
    studio.socket.on("*", (m) => this.onEvent(m));
    studio.socket.on("resync", () => this.resync());
    tickElapsed(this.part);
    page.dataset.ready = "true";
  }

  context() {
    const store = this.store;
    return { labels: this.data.labels, can: this.data.can, projectId: this.data.project.id, now: new Date(),
      positions: store.positions, totalQueued: store.totalQueued, retried: (id) => store.retried(id),
      take: (id) => store.takes.get(id) };
  }

  /** The lists as this page would draw them now (a test compares them with the server's). */
  markup() {
    return queueHTML(this.store.queueView(this.data.limits), this.context());
  }

  draw() {
    this.part.innerHTML = this.markup();
    restorePreviews(this.part);
  }

  onEvent(message) {
    const changed = this.store.apply(message);
    if (changed.progress && !applyProgress(this.part, message.data)) this.draw();
    if (changed.jobs || changed.takes) this.draw();
  }

  async resync() {
    try {
      const fresh = await fetchPart("queue");
      this.store.load(takeState(fresh, "queue-state"));
      this.part.replaceChildren(...fresh.childNodes);
      restorePreviews(this.part);
    } catch (error) {
      if (error.status !== 404) toast(`Could not bring the queue up to date: ${error.message}`, "error");
    }
  }
}

function start(studio) {
  const page = document.querySelector("[data-queue-page]");
  if (!page || page.dataset.ready) return;
  window.studio.queue = new QueuePage(page, pageData("queue-data"), studio);
}

if (window.studio) start(window.studio);
else document.addEventListener("studio:ready", (e) => start(e.detail), { once: true });

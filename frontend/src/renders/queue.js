// The queue page: running jobs move their bars in place; anything else that happens to a job redraws
// the lists (a few times a second at most).

import { fetchPart } from "../lib/api.js";
import { debounce } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { jobActions } from "./actions.js";
import { applyProgress, restorePreviews, tickElapsed } from "./progress.js";

function start(studio) {
  const page = document.querySelector("[data-queue-page]");
  if (!page || page.dataset.ready) return;
  const part = page.querySelector('[data-part="queue"]');
  const projectId = Number(document.body.dataset.projectId);
  const redraw = debounce(async () => {
    try {
      const fresh = await fetchPart("queue");
      part.replaceChildren(...fresh.childNodes);
      restorePreviews(part);
    } catch (error) {
      if (error.status !== 404) toast(`Could not refresh the queue: ${error.message}`, "error");
    }
  }, 200);
  jobActions(part, projectId, { after: redraw });
  studio.socket.on("*", (m) => {
    if (m.type === "job.progress") {
      if (!applyProgress(part, m.data)) redraw();
    } else if (m.type.startsWith("job.") || m.type === "take.created") {
      redraw();
    }
  });
  studio.socket.on("resync", redraw);
  tickElapsed(part);
  page.dataset.ready = "true";
}

if (window.studio) start(window.studio);
else document.addEventListener("studio:ready", (e) => start(e.detail), { once: true });

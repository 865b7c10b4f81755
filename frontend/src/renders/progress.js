// Jobs as they run: progress bars, step counts and previews from job.progress events, applied in place
// (a progress event comes every step: drawing the job list again for each would be wasteful, and would
// restart what the browser is showing).

import { formatDuration } from "../lib/dom.js";

const previews = new Map(); // job id → the latest preview (data URL): kept when the list is drawn again

/** Apply a job.progress event to the running job's element under ``root``. Returns false when there is no such
 * element (the page then draws the list again from its store). */
export function applyProgress(root, { id, step, total, preview }) {
  if (preview) previews.set(id, preview);
  const node = root.querySelector(`[data-job="${id}"][data-status="running"]`);
  if (!node) return false;
  const bar = node.querySelector("[data-job-bar]");
  if (bar) bar.style.width = `${total ? Math.min(100, (step / total) * 100) : 0}%`;
  const meter = node.querySelector("[data-job-progress]");
  meter?.setAttribute("aria-valuenow", String(step));
  meter?.setAttribute("aria-valuemax", String(total));
  const steps = node.querySelector("[data-job-steps]");
  if (steps) steps.textContent = `Step ${step} of ${total}`;
  showPreview(node, previews.get(id));
  return true;
}

function showPreview(node, src) {
  const img = node.querySelector("[data-job-preview]");
  if (!img || !src) return;
  if (img.getAttribute("src") !== src) img.src = src;
  img.hidden = false;
  const empty = node.querySelector("[data-job-preview-empty]");
  if (empty) empty.hidden = true;
}

/** After the list was drawn again: put back the previews its running jobs had. */
export function restorePreviews(root) {
  for (const node of root.querySelectorAll("[data-job]")) showPreview(node, previews.get(Number(node.dataset.job)));
}

/** Keep "running for" times current: every [data-started] job's [data-elapsed], once a second. */
export function tickElapsed(root) {
  const tick = () => {
    for (const node of root.querySelectorAll("[data-job][data-started]")) {
      const out = node.querySelector("[data-elapsed]");
      const started = Date.parse(node.dataset.started);
      if (out && started) out.textContent = formatDuration(Math.max(0, Math.round((Date.now() - started) / 1000)));
    }
  };
  tick();
  return setInterval(tick, 1000);
}


// Cancel and Retry buttons of jobs, wherever a page shows them ([data-cancel="id"], [data-retry="id"]).
// ``after(job)`` gets the job the server answered with (the canceled one, or the new retry): the page puts it in
// its store, which keeps it only if it is newer than what the job's events already brought.

import { api } from "../lib/api.js";
import { toast } from "../lib/toast.js";

export function jobActions(root, projectId, { after } = {}) {
  root.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-cancel], [data-retry]");
    if (!button || button.disabled) return;
    const cancel = button.hasAttribute("data-cancel");
    const id = cancel ? button.dataset.cancel : button.dataset.retry;
    button.disabled = true;
    try {
      const job = await api("POST", `/api/v1/projects/${projectId}/jobs/${id}/${cancel ? "cancel" : "retry"}/`);
      if (cancel) {
        button.textContent = "Stopping…";
      } else {
        toast("Queued again.", "success");
      }
      after?.(job);
    } catch (error) {
      button.disabled = false;
      toast(error.message, "error");
    }
  });
}

// Cancel and Retry buttons of jobs, wherever a page shows them ([data-cancel="id"], [data-retry="id"]).

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
      await api("POST", `/api/v1/projects/${projectId}/jobs/${id}/${cancel ? "cancel" : "retry"}/`);
      if (cancel) {
        button.textContent = "Stopping…";
      } else {
        toast("Queued again.", "success");
      }
      after?.();
    } catch (error) {
      button.disabled = false;
      toast(error.message, "error");
      after?.();
    }
  });
}

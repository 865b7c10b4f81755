// The exports panel: each export with its progress (export.* events), its files once done, its warnings.

import { esc } from "../lib/dom.js";

const STATUS = { queued: "Queued", running: "Rendering", succeeded: "Done", failed: "Failed", canceled: "Canceled" };
const ACTIVE = new Set(["queued", "running"]);

export class Exports {
  constructor(list, { canExport }) {
    this.list = list;
    this.canExport = canExport;
    this.items = new Map();
  }

  load(exports) {
    this.items = new Map(exports.map((e) => [e.id, e]));
    this.render();
  }

  /** An export as the server has it now (an answer or an event): kept when newer than the one held. */
  put(exp) {
    const held = this.items.get(exp.id);
    if (held && held.version > exp.version) return false;
    this.items.set(exp.id, exp);
    this.render();
    return true;
  }

  /** Apply an export.* event; true when it changed something. */
  apply(message) {
    const d = message.data;
    if (message.type === "export.queued" || message.type === "export.done") return this.put(d.export);
    if (message.type === "export.progress") {
      const held = this.items.get(d.export);
      if (!held || held.version > d.version) return false;
      this.items.set(d.export, { ...held, version: d.version, status: d.status, step: d.step, total_steps: d.total_steps });
      this.render();
      return true;
    }
    return false;
  }

  /** The newest animatic that finished, for the timeline to play. */
  latestAnimatic() {
    return [...this.items.values()].filter((e) => e.kind === "animatic" && e.status === "succeeded" && e.url)
      .sort((a, b) => b.id - a.id)[0] || null;
  }

  render() {
    const items = [...this.items.values()].sort((a, b) => b.id - a.id);
    if (!items.length) {
      this.list.innerHTML = `<li class="faint small sb-export-none">No exports yet.${this.canExport ? " Start one from Export." : ""}</li>`;
      return;
    }
    this.list.innerHTML = items.map((e) => {
      const pct = e.total_steps ? Math.round((e.step / e.total_steps) * 100) : 0;
      const active = ACTIVE.has(e.status);
      const files = e.status === "succeeded" && e.url ? [
        `<a class="btn btn-sm" href="${esc(e.url)}" download data-export-file>Download</a>`,
        ...Object.entries(e.extra_urls || {}).map(([name, url]) => `<a class="btn btn-sm btn-ghost" href="${esc(url)}" download>${esc(name.toUpperCase())}</a>`),
      ].join("") : "";
      const warnings = (e.warnings || []).map((w) => `<li>${esc(w)}</li>`).join("");
      return [
        `<li class="sb-export" data-export="${e.id}" data-status="${esc(e.status)}">`,
        `  <div class="sb-export-head"><b>${esc(e.kind_label)}</b><span class="pill sb-st-${esc(e.status)}">${esc(STATUS[e.status] || e.status)}</span></div>`,
        `  <div class="faint small">${e.requested_by ? `${esc(e.requested_by.name)} · ` : ""}${esc(new Date(e.created_at).toLocaleString())}${e.options?.preset ? ` · ${esc(e.options.preset)}` : ""}</div>`,
        active ? `  <div class="sb-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><span style="width:${pct}%"></span></div><div class="faint small">${e.total_steps ? `${e.step} of ${e.total_steps}` : "Waiting for the export worker"}</div>` : "",
        files ? `  <div class="sb-export-files">${files}</div>` : "",
        e.error ? `  <p class="sb-export-error">${esc(e.error)}</p>` : "",
        warnings ? `  <ul class="sb-warnings">${warnings}</ul>` : "",
        active && this.canExport ? `  <button class="btn btn-sm btn-ghost" type="button" data-cancel-export="${e.id}">Cancel</button>` : "",
        "</li>",
      ].join("\n");
    }).join("\n");
  }
}

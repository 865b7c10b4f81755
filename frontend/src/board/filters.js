// Board filters: status, size, character and text. Kept in the URL so a filtered board can be shared.

import { esc } from "../lib/dom.js";

export class Filters {
  constructor(state, onChange) {
    this.state = state;
    this.onChange = onChange;
    const params = new URLSearchParams(location.search);
    this.status = new Set(params.getAll("status"));
    this.size = params.get("size") || "";
    this.character = params.get("character") ? Number(params.get("character")) : "";
    this.q = params.get("q") || "";
  }

  active() {
    return this.status.size > 0 || this.size || this.character || this.q;
  }

  accepts(shot) {
    if (this.status.size && !this.status.has(shot.status)) return false;
    if (this.size && shot.size !== this.size) return false;
    if (this.character && !shot.characters.includes(this.character)) return false;
    if (this.q) {
      const q = this.q.toLowerCase();
      // as the API's ?q= searches: the number, the action, the dialogue and the names of the shot's characters
      const names = shot.characters.map((id) => this.state.characters.get(id)?.name ?? "");
      const text = [shot.number, shot.description, shot.dialogue, ...names].join("\n").toLowerCase();
      if (!text.includes(q)) return false;
    }
    return true;
  }

  render(container) {
    const s = this.state;
    const statuses = s.choices.status
      .map(([v, label]) => `<button type="button" class="chip" data-filter-status="${v}" aria-pressed="${this.status.has(v)}"
          style="--c:var(--status-${v}, var(--accent))">${esc(label)}</button>`)
      .join("");
    const sizes = s.choices.size
      .map(([v, label]) => `<option value="${v}"${this.size === v ? " selected" : ""}>${esc(v)} · ${esc(label)}</option>`)
      .join("");
    const people = [...s.characters.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => `<option value="${c.id}"${this.character === c.id ? " selected" : ""}>${esc(c.name)}</option>`)
      .join("");
    container.innerHTML = `
      <label class="search"><svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6"><circle cx="7" cy="7" r="5"/><path d="m11 11 3.5 3.5"/></svg>
        <input class="input" type="search" placeholder="Search shots" value="${esc(this.q)}" data-filter-q aria-label="Search shots"></label>
      <div class="filters" role="group" aria-label="Status">${statuses}</div>
      <select class="input" data-filter-size aria-label="Shot size"><option value="">All sizes</option>${sizes}</select>
      <select class="input" data-filter-character aria-label="Character"><option value="">All characters</option>${people}</select>
      ${this.active() ? '<button type="button" class="btn btn-ghost btn-sm" data-filter-clear>Clear filters</button>' : ""}`;
    container.querySelectorAll("[data-filter-status]").forEach((b) =>
      b.addEventListener("click", () => {
        const v = b.dataset.filterStatus;
        if (this.status.has(v)) this.status.delete(v);
        else this.status.add(v);
        this.changed(container);
      }),
    );
    container.querySelector("[data-filter-size]").addEventListener("change", (e) => {
      this.size = e.target.value;
      this.changed(container);
    });
    container.querySelector("[data-filter-character]").addEventListener("change", (e) => {
      this.character = e.target.value ? Number(e.target.value) : "";
      this.changed(container);
    });
    const q = container.querySelector("[data-filter-q]");
    q.addEventListener("input", () => {
      this.q = q.value.trim();
      this.changed(null);
    });
    container.querySelector("[data-filter-clear]")?.addEventListener("click", () => {
      this.status.clear();
      this.size = "";
      this.character = "";
      this.q = "";
      this.changed(container);
    });
  }

  changed(container) {
    const params = new URLSearchParams(location.search);
    for (const key of ["status", "size", "character", "q"]) params.delete(key);
    for (const v of this.status) params.append("status", v);
    if (this.size) params.set("size", this.size);
    if (this.character) params.set("character", this.character);
    if (this.q) params.set("q", this.q);
    const query = params.toString();
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    if (container) this.render(container);
    this.onChange();
  }
}

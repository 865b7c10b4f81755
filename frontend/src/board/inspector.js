// The shot inspector: edit one shot field by field, saved as you go.
//
// Each save sends only the fields you changed, with the version you edited.
// When someone else saved in between (412), the shot is read again: if they
// changed other fields, yours are applied on top; if they changed the same
// field, you choose whose value stays. Nothing is overwritten silently.

import { api, ApiError } from "../lib/api.js";
import { debounce, esc } from "../lib/dom.js";
import { framingSvg } from "../lib/framing.js";
import { toast } from "../lib/toast.js";

const TEXT_FIELDS = new Set(["number", "description", "dialogue", "lens_mm", "duration"]);
const LENSES = [12, 14, 18, 21, 24, 28, 32, 35, 40, 50, 65, 75, 85, 100, 135, 200];
const REVIEW_MOVES = [["in_review", "approved"], ["in_review", "ready"], ["approved", "in_review"]];
const FIELD_LABELS = { number: "number", size: "size", angle: "angle", movement: "movement", lens_mm: "lens",
  duration: "duration", description: "description", dialogue: "dialogue", characters: "characters", status: "status" };

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class Inspector {
  constructor(root, app, state) {
    this.root = root;
    this.app = app;
    this.state = state;
    this.shotId = null;
    this.pending = {};
    this.base = {};
    this.saving = false;
    this.conflicts = [];
    this.saveSoon = debounce(() => this.save(), 650);
  }

  get shot() {
    return this.state.shots.get(this.shotId);
  }

  get editable() {
    return this.state.can("edit_shots");
  }

  /** Status values this user may move the shot to (the server decides; this only shapes the menu). */
  statusOptions(current) {
    const all = this.state.choices.status.map(([v]) => v);
    const edit = this.state.can("edit_shots");
    const review = this.state.can("review");
    if (edit && review) return all;
    const allowed = new Set([current]);
    if (edit) all.filter((v) => v !== "approved" && current !== "approved").forEach((v) => allowed.add(v));
    if (review) REVIEW_MOVES.filter(([from]) => from === current).forEach(([, to]) => allowed.add(to));
    return all.filter((v) => allowed.has(v));
  }

  /** What the shot's status means, next to what its takes' reviews mean (the words are the server's). */
  statusMeaning(shot) {
    const help = this.state.statusHelp;
    return `<b>${esc(this.state.label("status", shot.status))}:</b> ${esc(help.meanings[shot.status] ?? "")}
      <span class="faint">${esc(help.takes)}</span>`;
  }

  /** Before an edit that undoes an approval is saved: say so where the status is explained. */
  warnIfReopening(field) {
    const shot = this.shot;
    if (shot.status !== "approved" || "status" in this.pending || !this.state.statusHelp.approval_covers.includes(field)) return;
    const box = this.root.querySelector("[data-status-meaning]");
    box.classList.add("warning");
    box.setAttribute("role", "alert");
    box.innerHTML = `<b>This shot is approved.</b> Changing its ${esc(FIELD_LABELS[field])} sends it back to Ready for review.`;
  }

  open(shotId) {
    if (this.shotId && this.shotId !== shotId) this.saveSoon.flush();
    this.shotId = shotId;
    this.pending = {};
    this.base = {};
    this.conflicts = [];
    this.render();
    this.root.hidden = false;
  }

  close() {
    if (Object.keys(this.pending).length) this.saveSoon.flush();
    this.shotId = null;
    this.root.hidden = true;
    this.root.innerHTML = "";
  }

  render() {
    const shot = this.shot;
    if (!shot) return this.close();
    const s = this.state;
    const scene = s.scenes.get(shot.scene);
    const ro = this.editable ? "" : " disabled";
    const option = (kind, value) =>
      s.choices[kind].map(([v, l]) => `<option value="${v}"${v === value ? " selected" : ""}>${esc(l)}</option>`).join("");
    const sizes = s.choices.size
      .map(([v, l]) => `<button type="button" data-size="${v}" title="${esc(l)}" aria-pressed="${v === shot.size}"${ro}>${v}</button>`)
      .join("");
    const cast = [...s.characters.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => `<button type="button" class="chip" data-character="${c.id}" style="--c:${esc(c.color)}"
          aria-pressed="${shot.characters.includes(c.id)}"${ro}><span class="dot"></span>${esc(c.name)}</button>`)
      .join("");
    const statuses = this.statusOptions(shot.status)
      .map((v) => `<option value="${v}"${v === shot.status ? " selected" : ""}>${esc(s.label("status", v))}</option>`)
      .join("");
    const statusLocked = this.statusOptions(shot.status).length < 2 ? " disabled" : "";
    this.root.innerHTML = `
      <div class="inspector-head">
        <div style="min-width:0;flex:1">
          <div class="row"><span class="num" data-head-number>${esc(shot.number)}</span>
            <span class="pill status-${esc(shot.status)}" data-head-status>${esc(s.label("status", shot.status))}</span></div>
          <div class="heading">${esc(scene ? `${scene.number} · ${scene.heading}` : "")}</div>
        </div>
        <a class="btn btn-sm" href="/projects/${s.project.id}/shots/${shot.id}/" data-open-shot
           title="Generate frames and clips, review takes">Open shot</a>
        <button class="btn btn-ghost btn-icon" type="button" data-close aria-label="Close inspector" title="Close (Esc)">✕</button>
      </div>
      <div class="inspector-body">
        <div class="preview" data-preview style="--aspect:${Number(s.project.aspect_ratio)}"></div>
        <div data-watching></div>
        <div data-conflicts></div>
        ${this.editable ? "" : `<div class="readonly-note">You can see this shot${s.can("review") ? " and decide its review status" : ""}; ${
          s.can("review") ? "artists and directors edit it." : "your role is read-only here."}</div>`}
        <div class="pair">
          <div class="field"><label for="f-number">Number</label>
            <input id="f-number" data-field="number" value="${esc(shot.number)}" maxlength="12"${ro}></div>
          <div class="field"><label for="f-status">Status</label>
            <select id="f-status" data-field="status"${statusLocked}>${statuses}</select></div>
        </div>
        <p class="status-meaning" data-status-meaning>${this.statusMeaning(shot)}</p>
        <div class="field"><span class="label">Size</span><div class="segmented" role="group" aria-label="Shot size">${sizes}</div></div>
        <div class="pair">
          <div class="field"><label for="f-angle">Angle</label><select id="f-angle" data-field="angle"${ro}>${option("angle", shot.angle)}</select></div>
          <div class="field"><label for="f-movement">Movement</label><select id="f-movement" data-field="movement"${ro}>${option("movement", shot.movement)}</select></div>
        </div>
        <div class="pair">
          <div class="field"><label for="f-lens">Lens (mm)</label>
            <input id="f-lens" data-field="lens_mm" type="number" min="4" max="1200" step="1" list="lenses" value="${shot.lens_mm}"${ro}>
            <datalist id="lenses">${LENSES.map((l) => `<option value="${l}">`).join("")}</datalist></div>
          <div class="field"><label for="f-duration">Duration (s)</label>
            <input id="f-duration" data-field="duration" type="number" min="0.1" max="3600" step="0.1" value="${shot.duration}"${ro}></div>
        </div>
        <div class="field"><label for="f-description">Action</label>
          <textarea id="f-description" data-field="description" rows="4" maxlength="4000" placeholder="What we see"${ro}>${esc(shot.description)}</textarea></div>
        <div class="field"><label for="f-dialogue">Dialogue</label>
          <textarea id="f-dialogue" data-field="dialogue" rows="2" maxlength="4000" placeholder="Lines over the shot"${ro}>${esc(shot.dialogue)}</textarea></div>
        <div class="field"><span class="label">Characters in shot</span>
          <div class="row" style="flex-wrap:wrap;gap:6px">${cast || '<span class="faint small">No characters in the cast yet.</span>'}</div></div>
      </div>
      <div class="inspector-foot">
        <span class="save-state" data-save-state>v${shot.version}</span>
        <span class="spacer"></span>
        ${this.editable ? '<button class="btn btn-danger btn-sm" type="button" data-delete>Delete shot</button>' : ""}
      </div>`;
    this.drawPreview();
    this.renderWatching();
    this.bind();
  }

  drawPreview() {
    const shot = this.shot;
    const box = this.root.querySelector("[data-preview]");
    if (!shot || !box) return;
    const take = this.state.takes.get(shot.id);
    if (take) {
      box.innerHTML = `<img src="${esc(take.thumbnail_url)}" alt="Take v${take.number}"><span class="take-tag">v${take.number}</span>`;
      return;
    }
    const colors = shot.characters.map((id) => this.state.characters.get(id)?.color).filter(Boolean);
    box.innerHTML = framingSvg({ size: shot.size, angle: shot.angle, colors, aspect: Number(this.state.project.aspect_ratio) });
  }

  renderWatching() {
    const box = this.root.querySelector("[data-watching]");
    if (!box || !this.app.presence) return;
    const people = this.app.presence.watchers(this.shotId);
    box.innerHTML = people.length
      ? `<div class="watching-line">${people.map((u) => `<span class="avatar sm" style="--c:${esc(u.color)}">${esc(u.initials)}</span>`).join("")}
         ${esc(people.map((u) => u.name).join(", "))} ${people.length === 1 ? "is" : "are"} here too</div>`
      : "";
  }

  bind() {
    const r = this.root;
    r.querySelector("[data-close]").addEventListener("click", () => this.app.select(null));
    r.querySelector("[data-delete]")?.addEventListener("click", () => this.remove());
    for (const input of r.querySelectorAll("[data-field]")) {
      const field = input.dataset.field;
      const read = () => {
        if (field === "lens_mm") return Number.parseInt(input.value, 10);
        if (field === "duration") return Number.parseFloat(input.value);
        return input.value;
      };
      if (TEXT_FIELDS.has(field)) {
        input.addEventListener("input", () => this.change(field, read(), { soon: true }));
        input.addEventListener("blur", () => this.saveSoon.flush());
      } else {
        input.addEventListener("change", () => this.change(field, read()));
      }
    }
    for (const button of r.querySelectorAll("[data-size]")) {
      button.addEventListener("click", () => {
        r.querySelectorAll("[data-size]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        this.change("size", button.dataset.size);
      });
    }
    for (const chip of r.querySelectorAll("[data-character]")) {
      chip.addEventListener("click", () => {
        chip.setAttribute("aria-pressed", String(chip.getAttribute("aria-pressed") !== "true"));
        const ids = [...r.querySelectorAll('[data-character][aria-pressed="true"]')].map((c) => Number(c.dataset.character));
        this.change("characters", ids.sort((a, b) => a - b));
      });
    }
  }

  change(field, value, { soon = false } = {}) {
    const shot = this.shot;
    if (!shot) return;
    if (!(field in this.base)) this.base[field] = shot[field];
    this.warnIfReopening(field);
    this.pending[field] = value;
    this.fieldError(field, null);
    this.setSaveState("dirty", "Unsaved");
    if (soon) this.saveSoon();
    else this.saveSoon.flush();
  }

  async save() {
    if (this.saving || !this.shotId) return;
    const fields = Object.keys(this.pending).filter((f) => !this.conflicts.includes(f));
    if (!fields.length) return;
    const body = Object.fromEntries(fields.map((f) => [f, this.pending[f]]));
    const shotId = this.shotId;
    const statusBefore = this.state.shots.get(shotId).status;
    this.saving = true;
    this.setSaveState("saving", "Saving…");
    try {
      const saved = await api("PATCH", `/api/v1/projects/${this.state.project.id}/shots/${shotId}/`, {
        body,
        version: this.state.shots.get(shotId).version,
      });
      for (const f of fields) {
        if (same(this.pending[f], body[f])) {
          delete this.pending[f];
          delete this.base[f];
        }
      }
      this.app.receiveShot(saved);
      this.setSaveState("saved", `Saved · v${saved.version}`);
      if (statusBefore === "approved" && saved.status === "ready" && body.status !== "ready") {
        toast(`Shot ${saved.number} is back to Ready: an approval covers its framing, lens and duration.`, "info");
      }
    } catch (error) {
      await this.saveFailed(error, fields, shotId);
    } finally {
      this.saving = false;
    }
    if (this.shotId === shotId && Object.keys(this.pending).some((f) => !this.conflicts.includes(f))) this.save();
  }

  async saveFailed(error, fields, shotId) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 412) {
      const fresh = await api("GET", `/api/v1/projects/${this.state.project.id}/shots/${shotId}/`);
      this.app.receiveShot(fresh);
      const clashing = fields.filter((f) => !same(fresh[f], this.base[f]) && !same(fresh[f], this.pending[f]));
      if (!clashing.length) {
        this.setSaveState("saving", "Merging…");
        return; // their change touched other fields: ours go on top at the next save
      }
      this.conflicts = clashing;
      this.renderConflicts(fresh);
      this.setSaveState("error", "Conflict");
      return;
    }
    if (error.status === 404) {
      toast("This shot was deleted.", "error");
      this.app.select(null);
      return;
    }
    const fieldErrors = error.fields;
    if (Object.keys(fieldErrors).length) {
      for (const [f, message] of Object.entries(fieldErrors)) this.fieldError(f, message);
    } else {
      toast(error.message, "error");
    }
    for (const f of fields) {
      if (!(f in fieldErrors)) continue;
      delete this.pending[f]; // kept in the input for the user to correct; not retried as is
    }
    this.setSaveState("error", "Not saved");
  }

  renderConflicts(fresh) {
    const box = this.root.querySelector("[data-conflicts]");
    if (!box) return;
    if (!this.conflicts.length) {
      box.innerHTML = "";
      return;
    }
    const names = this.conflicts.map((f) => FIELD_LABELS[f] || f).join(", ");
    box.innerHTML = `<div class="conflict-banner" role="alert"><b>Someone else changed the ${esc(names)} while you were editing.</b>
      Your version is still in the form and was not saved.
      <div class="row"><button class="btn btn-sm btn-primary" type="button" data-keep-mine>Keep mine</button>
      <button class="btn btn-sm" type="button" data-take-theirs>Take theirs</button></div></div>`;
    box.querySelector("[data-keep-mine]").addEventListener("click", () => {
      for (const f of this.conflicts) this.base[f] = fresh[f];
      this.conflicts = [];
      box.innerHTML = "";
      this.save();
    });
    box.querySelector("[data-take-theirs]").addEventListener("click", () => {
      for (const f of this.conflicts) {
        delete this.pending[f];
        delete this.base[f];
      }
      this.conflicts = [];
      box.innerHTML = "";
      this.render();
      this.setSaveState("saved", `v${this.shot.version}`);
    });
  }

  /** Another user's change to the open shot: update the fields you are not editing. */
  remoteUpdate(changed) {
    const shot = this.shot;
    if (!shot) return;
    const r = this.root;
    for (const field of changed) {
      if (field in this.pending) continue;
      const input = r.querySelector(`[data-field="${field}"]`);
      if (input) input.value = String(shot[field]);
      if (field === "size") r.querySelectorAll("[data-size]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.size === shot.size)));
      if (field === "characters") {
        r.querySelectorAll("[data-character]").forEach((c) =>
          c.setAttribute("aria-pressed", String(shot.characters.includes(Number(c.dataset.character)))));
      }
    }
    if (changed.includes("status") && !("status" in this.pending)) {
      const select = r.querySelector('[data-field="status"]');
      select.innerHTML = this.statusOptions(shot.status)
        .map((v) => `<option value="${v}"${v === shot.status ? " selected" : ""}>${esc(this.state.label("status", v))}</option>`)
        .join("");
      select.disabled = this.statusOptions(shot.status).length < 2;
    }
    const head = r.querySelector("[data-head-number]");
    if (head) head.textContent = shot.number;
    const meaning = r.querySelector("[data-status-meaning]");
    if (meaning && changed.includes("status")) {
      meaning.classList.remove("warning");
      meaning.removeAttribute("role");
      meaning.innerHTML = this.statusMeaning(shot);
    }
    const pill = r.querySelector("[data-head-status]");
    if (pill) {
      pill.className = `pill status-${shot.status}`;
      pill.textContent = this.state.label("status", shot.status);
    }
    this.drawPreview();
    if (!this.saving && !Object.keys(this.pending).length) this.setSaveState("", `v${shot.version}`);
  }

  fieldError(field, message) {
    const input = this.root.querySelector(`[data-field="${field}"]`);
    const box = input?.closest(".field");
    if (!box) return;
    box.classList.toggle("has-error", Boolean(message));
    box.querySelector(".errorlist")?.remove();
    if (message) box.insertAdjacentHTML("beforeend", `<ul class="errorlist"><li>${esc(message)}</li></ul>`);
  }

  setSaveState(state, text) {
    const node = this.root.querySelector("[data-save-state]");
    if (!node) return;
    node.dataset.state = state;
    node.textContent = text;
  }

  async remove() {
    const shot = this.shot;
    if (!shot || !window.confirm(`Delete shot ${shot.number}? This cannot be undone.`)) return;
    try {
      await api("DELETE", `/api/v1/projects/${this.state.project.id}/shots/${shot.id}/`, { version: shot.version });
      this.app.select(null);
      toast(`Shot ${shot.number} deleted.`, "success");
    } catch (error) {
      toast(error.message, "error");
    }
  }
}

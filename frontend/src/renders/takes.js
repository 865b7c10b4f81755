// A shot's takes as a version stack: the thumbnails strip (newest first) picks the take shown large with
// its provenance. New takes and review decisions arrive live (the page draws them from its store and hands
// them to `show`); a take being watched keeps playing.

import { api, fetchPart } from "../lib/api.js";
import { toast } from "../lib/toast.js";

export class TakeStack {
  /** ``onTake(take)``: a take the server answered with (an upload, a review), for the page's store. */
  constructor(root, data, { onTakes, onStartFrom, onTake } = {}) {
    this.root = root;
    this.data = data;
    this.onTakes = onTakes;
    this.onStartFrom = onStartFrom;
    this.onTake = onTake;
    this.selected = this.ids()[0] ?? null;
    this.followNewest = true; // until someone picks an older take, a new take is shown as it arrives
    root.addEventListener("click", (e) => this.click(e));
    root.addEventListener("keydown", (e) => this.key(e));
    root.addEventListener("change", (e) => e.target.matches("[data-upload-take]") && this.upload(e.target));
    this.select(this.selected);
  }

  api(path) {
    return `/api/v1/projects/${this.data.project.id}/${path}`;
  }

  ids() {
    return [...this.root.querySelectorAll("article[data-take]")].map((n) => Number(n.dataset.take));
  }

  /** The image takes, newest first, for the panel's "start from" choices. */
  imageTakes() {
    return [...this.root.querySelectorAll('article[data-take][data-kind="image"]')].map((n) => ({
      id: Number(n.dataset.take), number: Number(n.dataset.number), smoke: Boolean(n.querySelector(".badge-smoke")),
    }));
  }

  select(id, { focus = false } = {}) {
    if (id === null || id === undefined) return;
    this.selected = id;
    for (const article of this.root.querySelectorAll("article[data-take]")) {
      const shown = Number(article.dataset.take) === id;
      if (!shown) article.querySelector("video")?.pause();
      article.hidden = !shown;
    }
    for (const thumb of this.root.querySelectorAll("[data-select-take]")) {
      const on = Number(thumb.dataset.selectTake) === id;
      thumb.setAttribute("aria-selected", String(on));
      thumb.tabIndex = on ? 0 : -1;
      if (on && focus) thumb.focus();
    }
  }

  click(e) {
    const thumb = e.target.closest("[data-select-take]");
    if (thumb) {
      const id = Number(thumb.dataset.selectTake);
      this.followNewest = id === this.ids()[0];
      return this.select(id);
    }
    const review = e.target.closest("[data-review]");
    if (review) return this.review(review);
    const pick = e.target.closest("[data-pick-take]");
    if (pick) return this.pick(pick);
    const init = e.target.closest("[data-use-init]");
    if (init) return this.onStartFrom?.(Number(init.dataset.useInit), "frame");
    const animate = e.target.closest("[data-animate]");
    if (animate) return this.onStartFrom?.(Number(animate.dataset.animate), "clip");
    return undefined;
  }

  /** Arrow keys move along the strip (left is newer). */
  key(e) {
    if (!e.target.closest("[data-select-take]") || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    const ids = this.ids();
    const at = ids.indexOf(this.selected);
    const next = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next < 0 || next >= ids.length) return;
    this.followNewest = next === 0;
    this.select(ids[next], { focus: true });
  }

  async review(button) {
    const pressed = button.getAttribute("aria-pressed") === "true";
    const decision = pressed ? "pending" : button.dataset.review;
    const group = button.closest(".review-buttons");
    group.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      const take = await api("POST", this.api(`takes/${button.dataset.takeId}/review/`), { body: { decision } });
      this.onTake?.(take);
    } catch (error) {
      toast(error.message, "error");
      group.querySelectorAll("button").forEach((b) => (b.disabled = false));
    }
  }

  /** "Use in storyboard": pick the take for the shot's panel and the cut, or take the pick back. */
  async pick(button) {
    const picked = button.getAttribute("aria-pressed") !== "true";
    button.disabled = true;
    try {
      const take = await api("POST", this.api(`takes/${button.dataset.pickTake}/pick/`), { body: { picked } });
      this.onTake?.(take);
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  }

  async upload(input) {
    const file = input.files[0];
    if (!file) return;
    const label = input.closest("label");
    label?.classList.add("busy");
    const form = new FormData();
    form.append("shot", String(this.data.shot.id));
    form.append("file", file);
    try {
      const take = await api("POST", this.api("takes/"), { body: form });
      toast(`Uploaded as take v${take.number}.`, "success");
      this.followNewest = true;
      this.onTake?.(take);
    } catch (error) {
      toast(error.message, "error");
    } finally {
      input.value = "";
      label?.classList.remove("busy");
    }
  }

  /**
   * Show ``fresh`` (the takes part as HTML, or an element holding it) without disturbing what is being looked
   * at: the media of takes already shown stay (a playing clip keeps playing); their details are replaced.
   */
  show(fresh) {
    if (typeof fresh === "string") {
      const holder = document.createElement("div");
      holder.innerHTML = fresh;
      fresh = holder;
    }
    const before = new Set(this.ids());
    const newest = before.size ? [...before][0] : null;
    for (const article of fresh.querySelectorAll("article[data-take]")) {
      const current = this.root.querySelector(`article[data-take="${article.dataset.take}"]`);
      if (current) article.querySelector(".take-media").replaceWith(current.querySelector(".take-media"));
    }
    this.root.replaceChildren(...fresh.childNodes);
    const ids = this.ids();
    const added = ids.filter((id) => !before.has(id));
    if (this.followNewest || this.selected === newest || !ids.includes(this.selected)) this.selected = ids[0] ?? null;
    this.select(this.selected);
    for (const id of added) this.root.querySelector(`[data-select-take="${id}"]`)?.classList.add("entering");
    this.onTakes?.(this.imageTakes());
  }
}

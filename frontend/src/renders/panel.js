// The generation panel of a shot: what to make (frame or clip), from what (text, an image, a depth map),
// with which model, prompt, seed and settings. The server assembled the prompt from the shot; the panel
// shows it part by part, and it stays editable. Submitting queues a job; the job list shows it running.

import { api } from "../lib/api.js";
import { debounce, esc } from "../lib/dom.js";
import { toast } from "../lib/toast.js";

const GUIDANCE = { frame: 7, clip: 5 };
const SUBMIT = { frame: "Generate frame", clip: "Generate clip" };
const HANDLING = { chunks: "read in chunks", "two encoders": "across its two text encoders", none: "" };
const HINT = { frame: "A storyboard still", clip: "A moving clip" };
// field errors the server may name → the panel field they belong to
const ALIASES = { reference_images: "use_references", init_image: "init_take", first_frame: "init_take",
  first_frame_take: "init_take", request: null, non_field_errors: null };

export class GenerationPanel {
  constructor(form, data) {
    this.form = form;
    this.data = data;
    this.kind = "frame";
    this.source = "text";
    this.assembled = data.prompts.frame.prompt;
    this.seedSource = data.prompts.frame.seed_source;
    this.el = (name) => form.elements.namedItem(name);
    this.bind();
    this.applyModel({ keepSize: true });
    this.render();
    this.countTokens();
  }

  get model() {
    return this.data.models.find((m) => m.name === this.el("model").value) || null;
  }

  bind() {
    const f = this.form;
    f.querySelectorAll("[data-kind]").forEach((b) => b.addEventListener("click", () => this.setKind(b.dataset.kind)));
    f.querySelectorAll("[data-source]").forEach((b) => b.addEventListener("click", () => this.setSource(b.dataset.source)));
    f.querySelectorAll("[data-quality]").forEach((b) =>
      b.addEventListener("click", () => {
        this.el("quality").value = b.dataset.quality;
        f.querySelectorAll("[data-quality]").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
      }),
    );
    this.el("model").addEventListener("change", () => {
      this.applyModel();
      this.render();
      this.countTokens();
    });
    f.querySelector("[data-take-select]").addEventListener("change", () => this.render());
    f.querySelector("[data-use-refs]").addEventListener("change", () => this.render());
    for (const range of f.querySelectorAll('input[type="range"]')) {
      const out = f.querySelector(`[data-out="${range.name}"]`);
      const show = () => out && (out.textContent = Number(range.value).toFixed(2).replace(/0$/, ""));
      range.addEventListener("input", show);
      show();
    }
    const prompt = this.el("prompt");
    this.countTokensSoon = debounce(() => this.countTokens(), 300);
    prompt.addEventListener("input", () => {
      this.renderPromptState();
      this.countTokensSoon();
    });
    f.querySelector("[data-reset-prompt]").addEventListener("click", () => {
      prompt.value = this.assembled;
      this.renderPromptState();
      this.countTokens();
      prompt.focus();
    });
    f.querySelector("[data-dice]").addEventListener("click", () => this.randomSeed());
    f.querySelector("[data-seed-source]").addEventListener("click", (e) => {
      if (!e.target.closest("[data-seed-back]")) return;
      this.el("seed").value = this.data.prompts[this.kind].seed;
      this.renderSeed(true);
    });
    this.el("seed").addEventListener("input", () => this.renderSeed(String(this.data.prompts[this.kind].seed) === this.el("seed").value));
    f.addEventListener("input", (e) => this.clearError(e.target));
    f.addEventListener("change", (e) => this.clearError(e.target));
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  setKind(kind) {
    if (kind === this.kind) return;
    const edited = this.el("prompt").value !== this.assembled;
    this.kind = kind;
    this.el("kind").value = kind;
    const assembled = this.data.prompts[kind];
    this.assembled = assembled.prompt;
    if (!edited) this.el("prompt").value = assembled.prompt;
    this.el("guidance").value = GUIDANCE[kind];
    const model = this.model;
    if (!model || !model.kinds.includes(kind)) {
      const first = this.data.models.find((m) => m.kinds.includes(kind));
      if (first) this.el("model").value = first.name;
      this.applyModel();
    }
    if (this.source === "depth" && kind === "clip") this.source = "text";
    this.clearErrors();
    this.render();
    this.countTokens();
  }

  setSource(source) {
    this.source = source;
    this.clearErrors();
    this.render();
  }

  /** The chosen model's defaults for this project: size (a multiple its family takes) and steps. */
  applyModel({ keepSize = false } = {}) {
    const model = this.model;
    if (!model) return;
    for (const side of ["width", "height"]) this.el(side).step = model.size_multiple;
    if (keepSize) return;
    this.el("width").value = model.default_width;
    this.el("height").value = model.default_height;
    this.el("steps").value = model.default_steps;
  }

  /** Which sources the current model can start from, for the current kind. */
  sources() {
    const modes = this.model?.modes || [];
    if (this.kind === "clip") return { text: modes.includes("text-to-video"), image: modes.includes("image-to-video"), depth: false };
    return { text: modes.includes("text-to-image"), image: modes.includes("image-to-image"), depth: modes.includes("depth") };
  }

  render() {
    const f = this.form;
    const kind = this.kind;
    f.querySelectorAll("[data-kind]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kind === kind)));
    for (const option of this.el("model").options) {
      const fits = option.dataset.kinds.split(" ").includes(kind);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    const model = this.model;
    f.querySelector("[data-smoke-note]").hidden = !model?.smoke_test;
    const able = this.sources();
    if (!able[this.source]) this.source = able.text ? "text" : Object.keys(able).find((k) => able[k]) || "text";
    for (const b of f.querySelectorAll("[data-source]")) {
      const name = b.dataset.source;
      const forKind = !b.dataset.kinds || b.dataset.kinds.split(" ").includes(kind);
      b.hidden = !forKind;
      b.disabled = forKind && !able[name];
      b.title = b.disabled ? `${model?.label || "This model"} cannot start from ${name === "depth" ? "a depth map" : "an image"}` : "";
      b.setAttribute("aria-pressed", String(name === this.source));
    }
    for (const panel of f.querySelectorAll("[data-source-panel]")) panel.hidden = panel.dataset.sourcePanel !== this.source;
    for (const node of f.querySelectorAll("[data-kinds]:not([data-source]):not(option)")) node.hidden = !node.dataset.kinds.split(" ").includes(kind);
    // the image to start from: a take, or a file (init image for a frame, first frame for a clip)
    const file = f.querySelector("[data-image-file]");
    file.name = kind === "clip" ? "first_frame" : "init_image";
    file.hidden = Boolean(f.querySelector("[data-take-select]").value);
    f.querySelector("[data-image-label]").textContent = kind === "clip" ? "First frame" : "Image to start from";
    // character references: frames only, and only on a model with an IP-Adapter
    const refs = f.querySelector("[data-use-refs]");
    const count = this.data.prompts.frame.references;
    refs.disabled = !count || !model?.references;
    if (refs.disabled) refs.checked = false;
    f.querySelector("[data-refs-note]").textContent = !count
      ? "Add reference images to the characters in the cast to use them."
      : model?.references ? "Keeps faces and costumes close to the cast's references." : `${model?.label || "This model"} has no IP-Adapter; pick one that has.`;
    f.querySelector("[data-refs-scale]").hidden = !refs.checked;
    f.querySelector("[data-submit]").textContent = SUBMIT[kind];
    f.querySelector("[data-kind-hint]").textContent = HINT[kind];
    this.renderParts();
    this.renderPromptState();
    this.renderSeed(this.el("seed").value === String(this.data.prompts[kind].seed));
  }

  renderParts() {
    const parts = this.data.prompts[this.kind].parts;
    this.form.querySelector("[data-prompt-parts]").innerHTML = parts
      .map((p) => `<li data-source="${esc(p.source)}"><span class="part-label">${esc(p.label)}</span><span class="part-text">${esc(p.text)}</span></li>`)
      .join("");
  }

  /** The prompt's tokens by the chosen model's own tokenizer, and what it would not read (the server counts). */
  async countTokens() {
    const model = this.model;
    const out = this.form.querySelector("[data-prompt-tokens]");
    if (!model || !out) return;
    const prompt = this.el("prompt").value;
    try {
      const fit = await api("POST", `/api/v1/projects/${this.data.project.id}/models/${encodeURIComponent(model.name)}/tokens/`, { body: { prompt } });
      if (prompt !== this.el("prompt").value || model !== this.model) return; // a newer count is on its way
      const how = fit.tokens > 75 && HANDLING[fit.handling] ? `, ${HANDLING[fit.handling]}` : "";
      out.innerHTML = `${fit.tokens} of ${fit.limit} tokens${esc(how)}`
        + (fit.cut ? ` · <span class="prompt-cut" data-prompt-cut>Not read: “${esc(fit.cut)}”</span>` : "");
      out.classList.toggle("over", Boolean(fit.cut));
    } catch {
      out.textContent = "";
    }
  }

  renderPromptState() {
    const edited = this.el("prompt").value !== this.assembled;
    this.form.querySelector("[data-reset-prompt]").hidden = !edited;
    this.form.querySelector("[data-prompt-parts]").classList.toggle("stale", edited);
  }

  renderSeed(assembled) {
    const source = this.data.prompts[this.kind].seed_source;
    const text = source.charAt(0).toUpperCase() + source.slice(1);
    this.form.querySelector("[data-seed-source]").innerHTML = assembled
      ? esc(text)
      : `Your own seed · <button type="button" class="link" data-seed-back>use ${esc(source)}</button>`;
  }

  randomSeed() {
    const value = crypto.getRandomValues(new Uint32Array(1))[0];
    this.el("seed").value = value;
    this.renderSeed(false);
  }

  /** Set the panel up to start from a take: image to image for a frame, or a clip from this frame. */
  startFrom(takeId, kind) {
    this.setKind(kind);
    this.setSource("image");
    this.setTakes();
    const select = this.form.querySelector("[data-take-select]");
    select.value = String(takeId);
    this.render();
    this.form.querySelector("[data-source-panel='image']").scrollIntoView({ block: "nearest", behavior: "smooth" });
    select.closest(".field").classList.remove("live-flash");
    void select.offsetWidth;
    select.closest(".field").classList.add("live-flash");
  }

  /** The image takes of the shot, newest first, as choices to start from (after takes changed). */
  setTakes(takes) {
    if (!takes) return;
    const select = this.form.querySelector("[data-take-select]");
    const value = select.value;
    select.innerHTML =
      `<option value="">Upload an image…</option>` +
      takes.map((t) => `<option value="${t.id}">Take v${t.number}${t.smoke ? " (smoke test)" : ""}</option>`).join("");
    if (takes.some((t) => String(t.id) === value)) select.value = value;
    this.render();
  }

  body() {
    const v = (name) => this.el(name).value;
    const num = (name) => Number(v(name));
    const out = {
      shot: this.data.shot.id, kind: this.kind, model: v("model"), prompt: v("prompt"),
      negative_prompt: v("negative_prompt"), width: num("width"), height: num("height"), steps: num("steps"),
      guidance: num("guidance"), quality: v("quality"),
    };
    if (v("seed") !== "") out.seed = num("seed");
    const files = {};
    const take = this.form.querySelector("[data-take-select]").value;
    const file = this.form.querySelector("[data-image-file]");
    if (this.kind === "frame") {
      if (this.source === "image") {
        if (take) out.init_take = Number(take);
        else if (file.files[0]) files.init_image = file.files[0];
        out.strength = num("strength");
      }
      if (this.source === "depth") {
        const depth = this.el("depth_image").files[0];
        if (depth) files.depth_image = depth;
        out.depth_scale = num("depth_scale");
      }
      if (this.form.querySelector("[data-use-refs]").checked) {
        out.use_references = true;
        out.reference_scale = num("reference_scale");
      }
    } else {
      out.frames = num("frames");
      out.fps = num("fps");
      if (this.source === "image") {
        if (take) out.first_frame_take = Number(take);
        else if (file.files[0]) files.first_frame = file.files[0];
      }
    }
    return { out, files };
  }

  /** Problems the server would refuse anyway, said before sending: a source picked with nothing in it. */
  missing({ out, files }) {
    if (this.source === "image" && !out.init_take && !out.first_frame_take && !files.init_image && !files.first_frame) {
      return { init_take: "Pick a take or upload an image to start from." };
    }
    if (this.source === "depth" && !files.depth_image) return { depth_image: "Upload a depth map." };
    return null;
  }

  async submit() {
    const button = this.form.querySelector("[data-submit]");
    this.clearErrors();
    const body = this.body();
    const missing = this.missing(body);
    if (missing) return this.showErrors(missing);
    let payload;
    if (Object.keys(body.files).length) {
      const form = new FormData();
      for (const [k, value] of Object.entries(body.out)) form.append(k, String(value));
      for (const [k, value] of Object.entries(body.files)) form.append(k, value);
      payload = { body: form };
    } else {
      payload = { body: body.out };
    }
    button.disabled = true;
    button.classList.add("busy");
    try {
      const job = await api("POST", `/api/v1/projects/${this.data.project.id}/jobs/`, payload);
      toast(`${this.kind === "clip" ? "Clip" : "Frame"} queued: ${job.total_steps} steps on ${this.model?.label || job.model}.`, "success");
      this.onQueued?.(job);
    } catch (error) {
      if (error.status === 429) {
        this.showGeneral(error.message, "quota");
      } else if (error.status === 400 && Object.keys(error.fields).length) {
        this.showErrors(error.fields);
      } else {
        this.showGeneral(error.message);
      }
    } finally {
      button.disabled = false;
      button.classList.remove("busy");
    }
  }

  /** Each refusal beside its field, and all of them beside the button that was pressed (the field may be
   * scrolled out of view). */
  showErrors(fields) {
    for (const [name, message] of Object.entries(fields)) {
      const target = name in ALIASES ? ALIASES[name] : name;
      const box = target && [...this.form.querySelectorAll("[data-for]")].find((n) => n.dataset.for.split(" ").includes(target) && !n.closest("[hidden]"));
      if (!box) continue;
      box.classList.add("has-error");
      box.insertAdjacentHTML("beforeend", `<ul class="errorlist" data-error-of="${esc(name)}"><li>${esc(message)}</li></ul>`);
    }
    this.showGeneral(Object.values(fields).join(" "), "fields");
    const first = this.form.querySelector(".has-error");
    first?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    first?.querySelector("input:not([type=hidden]), select, textarea")?.focus({ preventScroll: true });
  }

  showGeneral(message, kind = "") {
    const box = this.form.querySelector("[data-gen-error]");
    box.textContent = message;
    box.className = `gen-error${kind ? ` ${kind}` : ""}`;
    box.hidden = false;
  }

  clearError(input) {
    const box = input?.closest?.("[data-for]");
    if (!box) return;
    box.classList.remove("has-error");
    box.querySelectorAll(".errorlist").forEach((n) => n.remove());
    const general = this.form.querySelector("[data-gen-error]");
    if (general.classList.contains("fields") && !this.form.querySelector(".errorlist")) general.hidden = true;
  }

  clearErrors() {
    this.form.querySelectorAll(".has-error").forEach((n) => n.classList.remove("has-error"));
    this.form.querySelectorAll(".errorlist").forEach((n) => n.remove());
    this.form.querySelector("[data-gen-error]").hidden = true;
  }
}

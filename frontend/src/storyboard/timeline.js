// The cut as a strip: one block per shot, as wide as its frames, with its picture and number, and a playhead.
// Play runs the latest finished animatic in a <video> when there is one (the blocks mark its shot changes), else
// steps through the stills at their durations. Dragging the boundary after a block sets that shot's duration, in
// whole frames at the project's rate, shown while dragging; on release the page saves it (a versioned PATCH).

import { esc, formatDuration } from "../lib/dom.js";

export function timecodeOf(frame, fps) {
  const base = Math.round(fps.num / fps.den);
  const ff = frame % base;
  const total = Math.floor(frame / base);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}:${two(ff)}`;
}

export class Timeline {
  /** ``onRetime(panel, frames)`` saves a dragged duration; ``editable``: the member may edit shots. */
  constructor(root, { editable, onRetime }) {
    this.root = root;
    this.editable = editable;
    this.onRetime = onRetime;
    this.track = root.querySelector("[data-tl-track]");
    this.blocks = root.querySelector("[data-tl-blocks]");
    this.playhead = root.querySelector("[data-tl-playhead]");
    this.time = root.querySelector("[data-tl-time]");
    this.source = root.querySelector("[data-tl-source]");
    this.screen = root.querySelector("[data-tl-screen]");
    this.video = root.querySelector("[data-tl-video]");
    this.still = root.querySelector("[data-tl-still]");
    this.playButton = root.querySelector("[data-play]");
    this.panels = [];
    this.fps = { num: 24, den: 1 };
    this.frame = 0;
    this.playing = false;
    this.animatic = null;
    this.drag = null;
    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.track.addEventListener("pointerdown", (e) => this.pointerDown(e));
    this.track.addEventListener("keydown", (e) => this.key(e));
    this.video.addEventListener("ended", () => this.pause());
  }

  get rate() {
    return this.fps.num / this.fps.den;
  }

  get total() {
    return this.panels.reduce((sum, p) => sum + p.frames, 0);
  }

  /** The panels to show (in cut order) and the rate; a drag in progress keeps its own figures. */
  show(panels, fps, animatic) {
    this.panels = panels;
    this.fps = fps;
    this.animatic = animatic;
    this.source.textContent = animatic ? `Plays the animatic of ${new Date(animatic.created_at).toLocaleString()}` : "Plays the stills";
    if (this.drag || this.keyed) return;
    this.frame = Math.min(this.frame, Math.max(0, this.total - 1));
    this.render();
  }

  render(frames = null) {
    const lengths = this.panels.map((p) => (frames && frames.shot === p.shot ? frames.frames : p.frames));
    const total = frames ? frames.base : lengths.reduce((a, b) => a + b, 0) || 1;
    this.blocks.innerHTML = this.panels.map((p, i) => {
      const picture = p.thumbnail_url ? `<img src="${esc(p.thumbnail_url)}" alt="" draggable="false">` : `<span class="tl-size">${esc(p.size)}</span>`;
      const handle = this.editable ? `<span class="tl-handle" data-boundary="${p.shot}" tabindex="0" role="separator" aria-orientation="vertical" aria-valuenow="${lengths[i]}" aria-valuemin="1" aria-label="End of shot ${esc(p.number)}, ${lengths[i]} frames" title="Drag (or ← →, Shift for a second) to change the duration of shot ${esc(p.number)}"></span>` : "";
      return `<div class="tl-block" data-block="${p.shot}" style="width:${(lengths[i] / total) * 100}%">${picture}<span class="tl-num">${esc(p.number)}</span><span class="tl-dur" data-tl-dur>${esc(formatDuration(lengths[i] / this.rate))}</span>${handle}</div>`;
    }).join("");
    this.drawPlayhead();
  }

  drawPlayhead() {
    const total = this.total || 1;
    this.playhead.style.left = `${(this.frame / total) * 100}%`;
    this.time.textContent = timecodeOf(this.frame, this.fps);
    const panel = this.panelAt(this.frame);
    if (panel && !this.animatic) {
      const src = panel.thumbnail_url || "";
      if (this.still.getAttribute("src") !== src) {
        if (src) this.still.setAttribute("src", src);
        else this.still.removeAttribute("src");
      }
    }
    for (const block of this.blocks.querySelectorAll("[data-block]")) {
      block.classList.toggle("current", panel && Number(block.dataset.block) === panel.shot);
    }
  }

  panelAt(frame) {
    let start = 0;
    for (const p of this.panels) {
      if (frame < start + p.frames) return p;
      start += p.frames;
    }
    return this.panels[this.panels.length - 1];
  }

  play() {
    if (!this.panels.length) return;
    this.playing = true;
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.screen.hidden = false;
    if (this.frame >= this.total - 1) this.frame = 0;
    if (this.animatic) {
      this.still.hidden = true;
      this.video.hidden = false;
      if (this.video.getAttribute("src") !== this.animatic.url) this.video.src = this.animatic.url;
      this.video.currentTime = this.frame / this.rate;
      this.video.play().catch(() => this.pause());
    } else {
      this.video.hidden = true;
      this.still.hidden = false;
    }
    const started = performance.now();
    const from = this.frame;
    const tick = (now) => {
      if (!this.playing) return;
      this.frame = this.animatic
        ? Math.floor(this.video.currentTime * this.rate)
        : from + Math.floor(((now - started) / 1000) * this.rate);
      if (this.frame >= this.total) {
        this.frame = this.total - 1;
        this.drawPlayhead();
        return this.pause();
      }
      this.drawPlayhead();
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.video.pause();
    this.playButton.textContent = "Play";
    this.playButton.setAttribute("aria-pressed", "false");
  }

  /** The arrow keys on a boundary: a frame shorter or longer (a second with Shift), saved once the keys rest. */
  key(e) {
    const handle = e.target.closest?.("[data-boundary]");
    if (!handle || !["ArrowLeft", "ArrowRight"].includes(e.key) || this.drag) return;
    e.preventDefault();
    const shot = Number(handle.dataset.boundary);
    const panel = this.panels.find((p) => p.shot === shot);
    if (!this.keyed || this.keyed.panel !== panel) {
      this.commitKeys();
      this.keyed = { panel, now: panel.frames };
    }
    const step = (e.key === "ArrowLeft" ? -1 : 1) * (e.shiftKey ? Math.round(this.rate) : 1);
    const min = Math.max(1, Math.ceil(0.1 * this.rate - 1e-9));
    this.keyed.now = Math.max(min, Math.min(Math.floor(3600 * this.rate), this.keyed.now + step));
    this.render({ shot, frames: this.keyed.now, base: this.total - panel.frames + this.keyed.now });
    this.blocks.querySelector(`[data-boundary="${shot}"]`)?.focus();
    clearTimeout(this.keyTimer);
    this.keyTimer = setTimeout(() => this.commitKeys(), 700);
  }

  commitKeys() {
    clearTimeout(this.keyTimer);
    const keyed = this.keyed;
    this.keyed = null;
    if (!keyed || keyed.now === keyed.panel.frames) return;
    keyed.panel.frames = keyed.now;
    this.render();
    this.blocks.querySelector(`[data-boundary="${keyed.panel.shot}"]`)?.focus();
    this.onRetime(keyed.panel, keyed.now);
  }

  pointerDown(e) {
    const handle = e.target.closest("[data-boundary]");
    const rect = this.track.getBoundingClientRect();
    if (!handle) {
      // a click on the strip moves the playhead there
      this.frame = Math.max(0, Math.min(this.total - 1, Math.floor(((e.clientX - rect.left) / rect.width) * this.total)));
      if (this.animatic && !this.video.hidden) this.video.currentTime = this.frame / this.rate;
      this.screen.hidden = false;
      return this.drawPlayhead();
    }
    e.preventDefault();
    const panel = this.panels.find((p) => p.shot === Number(handle.dataset.boundary));
    const base = this.total;
    // a shot is at least 0.1 s (the shot's own rule), in whole frames
    const min = Math.max(1, Math.ceil(0.1 * this.rate - 1e-9));
    const max = Math.floor(3600 * this.rate);
    this.drag = { panel, x: e.clientX, perFrame: rect.width / base, base, frames: panel.frames, min, max };
    this.root.classList.add("dragging");
    handle.setPointerCapture?.(e.pointerId);
    const move = (ev) => {
      const d = this.drag;
      const frames = Math.max(d.min, Math.min(d.max, d.frames + Math.round((ev.clientX - d.x) / d.perFrame)));
      if (frames === d.now) return;
      d.now = frames;
      this.render({ shot: d.panel.shot, frames, base: Math.max(d.base, d.base - d.frames + frames) });
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      const d = this.drag;
      this.drag = null;
      this.root.classList.remove("dragging");
      if (d.now !== undefined && d.now !== d.frames) {
        // shown at the new length until the page reads the storyboard again
        d.panel.frames = d.now;
        this.render();
        this.onRetime(d.panel, d.now);
      } else {
        this.render();
      }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  }
}

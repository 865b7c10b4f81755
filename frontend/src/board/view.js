// Drawing the board: scene navigator, scenes with their shot cards, totals.

import { esc, formatDuration, noun, plural } from "../lib/dom.js";
import { framingSvg } from "../lib/framing.js";
import { totalDuration } from "./state.js";

const MOVES = {
  static: "", pan: "↔ pan", tilt: "↕ tilt", dolly_in: "→ dolly in", dolly_out: "← dolly out", truck: "⇆ truck",
  pedestal: "⇅ pedestal", zoom_in: "⊕ zoom in", zoom_out: "⊖ zoom out", tracking: "⇢ tracking", crane: "⤴ crane",
  handheld: "≈ handheld", steadicam: "∿ steadicam", aerial: "✈ aerial",
};

export class BoardView {
  constructor(root, state, filters, presence) {
    this.root = root;
    this.state = state;
    this.filters = filters;
    this.presence = presence;
    this.main = root.querySelector("[data-board-main]");
    this.nav = root.querySelector("[data-scene-nav]");
    this.totals = root.querySelector("[data-totals]");
    this.selected = null;
  }

  renderAll() {
    const scenes = this.state.orderedScenes();
    if (!scenes.length) {
      this.main.innerHTML = `<div class="empty" style="margin-top:24px">No scenes yet. ${
        this.state.can("edit_script") ? "Add the first scene below, or write the script." : "Writers add scenes."
      }</div>`;
    } else {
      // with several scripts (episodes, versions), each script's scenes sit under its title
      const titled = this.state.scripts.length > 1;
      let script = null;
      let omittedShown = false;
      this.main.innerHTML = scenes
        .map((scene) => {
          let divider = titled && scene.script !== script ? this.scriptDividerHtml(scene.script) : "";
          if (scene.script !== script) omittedShown = false;
          script = scene.script;
          if (scene.omitted && !omittedShown) {
            omittedShown = true;
            divider += `<h2 class="script-divider omitted-divider">Omitted from the script
              <span class="faint">their shots are kept: move them to a scene, or delete them</span></h2>`;
          }
          return divider + this.sceneHtml(scene);
        })
        .join("");
    }
    this.main.insertAdjacentHTML("beforeend", this.newSceneHtml());
    this.renderNav();
    this.renderTotals();
    this.decorate(this.main);
  }

  renderScene(sceneId) {
    const scene = this.state.scenes.get(sceneId);
    const node = this.main.querySelector(`[data-scene="${sceneId}"]`);
    if (!scene || !node) return this.renderAll();
    node.outerHTML = this.sceneHtml(scene);
    this.decorate(this.main.querySelector(`[data-scene="${sceneId}"]`));
  }

  visibleShots(sceneId) {
    return this.state.shotsOf(sceneId).filter((shot) => this.filters.accepts(shot));
  }

  scriptDividerHtml(scriptId) {
    const script = this.state.scripts.find((s) => s.id === scriptId);
    return `<h2 class="script-divider" data-script-divider="${scriptId}">${esc(script ? script.title : "Script")}</h2>`;
  }

  sceneHtml(scene) {
    const all = this.state.shotsOf(scene.id);
    const shots = all.filter((shot) => this.filters.accepts(shot));
    const hidden = all.length - shots.length;
    const canAdd = this.state.can("edit_shots");
    const cards = shots.map((shot) => this.cardHtml(shot)).join("");
    const empty = !all.length && !canAdd ? `<div class="empty empty-scene">No shots yet.</div>` : "";
    const add = canAdd
      ? `<button class="add-shot" data-add-shot="${scene.id}" type="button"><span class="plus">+</span>Add shot</button>`
      : "";
    const inScript = scene.in_script && !scene.omitted && scene.line !== null
      ? `<a class="btn btn-ghost btn-sm" href="/projects/${this.state.project.id}/scripts/${scene.script}/#line=${scene.line + 1}"
           title="Open this scene in the script">Script ↗</a>`
      : "";
    return `<section class="scene${scene.omitted ? " omitted" : ""}" data-scene="${scene.id}" id="scene-${scene.id}"
        aria-label="Scene ${esc(scene.number)}${scene.omitted ? ", omitted" : ""}">
      <header class="scene-head">
        <span class="scene-num">${esc(scene.number)}</span>
        <h2 class="scene-heading">${esc(scene.heading)}</h2>
        ${scene.omitted ? '<span class="pill plain omitted-pill">Omitted</span>' : ""}
        <span class="scene-synopsis">${esc(scene.synopsis)}</span>
        <span class="scene-stats">${plural(all.length, "shot")} · ${formatDuration(totalDuration(all))}${
          hidden ? ` · ${hidden} hidden by filters` : ""
        }</span>
        ${inScript}
        ${this.state.can("edit_script") && !scene.omitted
          ? `<button class="btn btn-ghost btn-sm" type="button" data-edit-scene="${scene.id}" aria-label="Edit scene ${esc(scene.number)}"
               title="Edit the scene">Edit</button>`
          : ""}
      </header>
      <div data-scene-form-slot="${scene.id}"></div>
      <div class="shots" data-shots="${scene.id}">${cards}${empty}${add}</div>
    </section>`;
  }

  cardHtml(shot) {
    const s = this.state;
    const cast = shot.characters.map((id) => s.characters.get(id)).filter(Boolean);
    const chips = cast
      .map((c) => `<span class="chip" style="--c:${esc(c.color)}"><span class="dot"></span>${esc(c.name)}</span>`)
      .join("");
    const move = MOVES[shot.movement] ?? shot.movement;
    const draggable = s.can("edit_shots") ? ' draggable="true"' : "";
    const selected = this.selected === shot.id ? " selected" : "";
    const take = s.takes.get(shot.id);
    const picture = take
      ? `<img class="take-img" src="${esc(take.thumbnail_url)}" alt="Take v${take.number}" loading="lazy" draggable="false">
         <span class="take-tag">v${take.number}${take.kind === "clip" ? " ▶" : ""}</span>
         ${take.smoke_test ? '<span class="smoke-tag" title="Made by a smoke-test model: random weights, not a real frame">Smoke test</span>' : ""}`
      : "";
    return `<article class="shot${selected}${take ? " has-take" : ""}" data-shot="${shot.id}" tabindex="0"${draggable}
        aria-label="Shot ${esc(shot.number)}, ${esc(s.label("size", shot.size))}, ${esc(s.label("status", shot.status))}">
      <div class="frame" data-frame>${picture}
        <div class="card-progress" data-card-progress hidden><span></span></div>
        <span class="size-tag">${esc(shot.size)}</span>
        <span class="lens-tag">${shot.lens_mm}mm</span>
        ${move ? `<span class="move-tag">${esc(move)}</span>` : ""}
        <span class="dur-tag">${formatDuration(shot.duration)}</span>
        <div class="watchers" data-watchers></div>
      </div>
      <div class="body">
        <div class="top"><span class="num">${esc(shot.number)}</span>
          ${s.scenes.get(shot.scene)?.omitted ? '<span class="pill plain orphan-pill" title="Its scene was taken out of the script">orphaned</span>' : ""}
          <span class="faint small">${esc(s.label("angle", shot.angle))}</span>
          <a class="open-shot" href="/projects/${s.project.id}/shots/${shot.id}/" title="Open shot ${esc(shot.number)}: generate and review takes"
             aria-label="Open shot ${esc(shot.number)}">↗</a>
          <span class="pill status-${esc(shot.status)}">${esc(s.label("status", shot.status))}</span></div>
        <div class="desc${shot.description ? "" : " none"}">${esc(shot.description || "No description yet")}</div>
        ${shot.dialogue ? `<div class="line">“${esc(shot.dialogue)}”</div>` : ""}
        ${chips ? `<div class="who">${chips}</div>` : ""}
      </div>
    </article>`;
  }

  sceneFormHtml(scene) {
    const opt = (value, label) => `<option value="${value}"${scene.int_ext === value ? " selected" : ""}>${label}</option>`;
    const hasShots = this.state.shotsOf(scene.id).length > 0;
    const base = { number: scene.number, int_ext: scene.int_ext, location: scene.location,
      time_of_day: scene.time_of_day, synopsis: scene.synopsis };
    return `<form class="card scene-form" data-scene-form="${scene.id}" data-version="${scene.version}"
        data-base="${esc(JSON.stringify(base))}">
      <div class="scene-form-grid">
        <div class="field"><label>Number</label><input class="input" name="number" value="${esc(scene.number)}" maxlength="8" required></div>
        <div class="field"><label>Int./Ext.</label><select class="input" name="int_ext">${opt("INT", "INT.")}${opt("EXT", "EXT.")}${opt("INT/EXT", "INT./EXT.")}${opt("", "—")}</select></div>
        <div class="field"><label>Location</label><input class="input" name="location" value="${esc(scene.location)}" maxlength="200" required></div>
        <div class="field"><label>Time of day</label><input class="input" name="time_of_day" value="${esc(scene.time_of_day)}" list="times" maxlength="40"></div>
        <div class="field wide"><label>Synopsis</label><input class="input" name="synopsis" value="${esc(scene.synopsis)}" maxlength="4000"></div>
      </div>
      <div class="row">
        <button class="btn btn-primary btn-sm" type="submit">Save scene</button>
        <button class="btn btn-sm" type="button" data-scene-cancel>Cancel</button>
        <span class="spacer"></span>
        ${scene.in_script
          ? '<span class="faint small">This scene comes from the script: a new heading is written into the script; move or delete it there.</span>'
          : `<button class="btn btn-ghost btn-sm" type="button" data-scene-move="-1" title="Move the scene earlier">↑ Earlier</button>
        <button class="btn btn-ghost btn-sm" type="button" data-scene-move="1" title="Move the scene later">↓ Later</button>
        <button class="btn btn-danger btn-sm" type="button" data-scene-delete${hasShots ? ' disabled title="Move or delete its shots first"' : ""}>Delete scene</button>`}
      </div>
    </form>`;
  }

  newSceneHtml() {
    if (!this.state.can("edit_script")) return "";
    return `<form class="card new-scene" data-new-scene style="margin-top:18px">
      <div class="card-title"><h3>New scene</h3><span class="faint small">Scenes usually come from the script; add one here to plan ahead.</span></div>
      <div class="row" style="gap:10px;flex-wrap:wrap">
        <select class="input" name="int_ext" style="width:110px" aria-label="Interior or exterior">
          <option value="INT">INT.</option><option value="EXT">EXT.</option><option value="INT/EXT">INT./EXT.</option></select>
        <input class="input" name="location" placeholder="Location" required maxlength="200" style="flex:1;min-width:200px" aria-label="Location">
        <input class="input" name="time_of_day" placeholder="Time of day" list="times" style="width:160px" aria-label="Time of day">
        <datalist id="times"><option>DAY</option><option>NIGHT</option><option>DAWN</option><option>DUSK</option><option>CONTINUOUS</option></datalist>
        <button class="btn btn-primary" type="submit">Add scene</button>
      </div></form>`;
  }

  /** Draw the framing sketches and presence rings of the cards inside ``root``. */
  decorate(root) {
    for (const card of root.querySelectorAll("[data-shot]")) {
      const shot = this.state.shots.get(Number(card.dataset.shot));
      if (!shot) continue;
      this.renderProgress(shot.id, card);
      if (this.state.takes.has(shot.id)) continue; // the take's thumbnail stands in for the sketch
      const colors = shot.characters.map((id) => this.state.characters.get(id)?.color).filter(Boolean);
      card.querySelector("[data-frame]").insertAdjacentHTML(
        "afterbegin",
        framingSvg({ size: shot.size, angle: shot.angle, colors, aspect: Number(this.state.project.aspect_ratio) }),
      );
    }
    this.renderWatchers(root);
  }

  /** The thin bar along the bottom of a card's frame while one of the shot's jobs runs. */
  renderProgress(shotId, card = this.card(shotId)) {
    const bar = card?.querySelector("[data-card-progress]");
    if (!bar) return;
    const running = this.state.progress.get(Number(shotId));
    bar.hidden = !running;
    if (running) {
      bar.firstElementChild.style.width = `${running.total ? (100 * running.step) / running.total : 0}%`;
      bar.title = `Generating: step ${running.step} of ${running.total}`;
    }
  }

  renderWatchers(root = this.main) {
    for (const card of root.querySelectorAll("[data-shot]")) {
      const watchers = this.presence ? this.presence.watchers(Number(card.dataset.shot)) : [];
      card.querySelector("[data-watchers]").innerHTML = watchers
        .map((u) => `<span class="avatar sm" style="--c:${esc(u.color)}" title="${esc(u.name)} is looking at this shot">${esc(u.initials)}</span>`)
        .join("");
      card.classList.toggle("watched", watchers.length > 0);
      card.style.setProperty("--watch", watchers[0]?.color || "transparent");
    }
  }

  renderNav() {
    const titled = this.state.scripts.length > 1;
    let script = null;
    const items = this.state
      .orderedScenes()
      .map((scene) => {
        const shots = this.state.shotsOf(scene.id);
        const title = this.state.scripts.find((s) => s.id === scene.script)?.title ?? "";
        const head = titled && scene.script !== script ? `<div class="nav-script">${esc(title)}</div>` : "";
        script = scene.script;
        return `${head}<a href="#scene-${scene.id}" data-nav-scene="${scene.id}"><span class="n">${esc(scene.number)}</span>
          <span class="h" title="${esc(scene.heading)}">${esc(scene.heading)}</span><span class="c">${shots.length}</span></a>`;
      })
      .join("");
    this.nav.innerHTML = `<div class="nav-title">Scenes</div>${items || '<p class="faint small" style="padding:0 10px">No scenes yet.</p>'}`;
  }

  renderTotals() {
    const all = [...this.state.shots.values()];
    const shown = all.filter((shot) => this.filters.accepts(shot));
    const approved = all.filter((s) => s.status === "approved").length;
    this.totals.innerHTML =
      `<b>${shown.length}</b>${shown.length !== all.length ? ` of ${all.length}` : ""} ${noun(all.length, "shot")} · ` +
      `<b>${formatDuration(totalDuration(shown))}</b> · <b>${approved}</b> approved`;
  }

  select(shotId) {
    this.selected = shotId;
    for (const card of this.main.querySelectorAll(".shot.selected")) card.classList.remove("selected");
    if (shotId) this.main.querySelector(`[data-shot="${shotId}"]`)?.classList.add("selected");
  }

  flash(shotId, color) {
    const card = this.main.querySelector(`[data-shot="${shotId}"]`);
    if (!card) return;
    card.style.setProperty("--flash", color || "var(--accent)");
    card.classList.remove("flash");
    void card.offsetWidth;
    card.classList.add("flash");
  }

  card(shotId) {
    return this.main.querySelector(`[data-shot="${shotId}"]`);
  }
}

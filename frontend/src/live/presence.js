// Who else is on the project: avatars in the top bar, and which shot each is looking at.

import { esc } from "../lib/dom.js";

export class Presence {
  constructor(socket, me) {
    this.me = me;
    this.users = new Map(); // user id → {user, focus}
    this.listeners = new Set();
    socket.on("presence.snapshot", (m) => {
      this.users = new Map(m.data.users.map((p) => [p.user.id, { user: p.user, focus: p.focus_shot }]));
      this.changed();
    });
    socket.on("presence.joined", (m) => {
      const known = this.users.get(m.data.user.id);
      this.users.set(m.data.user.id, { user: m.data.user, focus: known?.focus ?? null });
      this.changed();
    });
    socket.on("presence.left", (m) => {
      this.users.delete(m.data.user.id);
      this.changed();
    });
    socket.on("presence.focus", (m) => {
      const entry = this.users.get(m.data.user.id) || { user: m.data.user };
      this.users.set(m.data.user.id, { ...entry, focus: m.data.shot });
      this.changed();
    });
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  changed() {
    for (const fn of this.listeners) fn(this);
    this.render();
  }

  /** Other users looking at a shot. */
  watchers(shotId) {
    return [...this.users.values()].filter((p) => p.focus === shotId && p.user.id !== this.me.id).map((p) => p.user);
  }

  /** Avatars of everyone else here (you are in the account menu), and online marks on member lists. */
  render() {
    const online = new Set([...this.users.values()].map((p) => p.user.username));
    for (const row of document.querySelectorAll("[data-member]")) row.classList.toggle("online", online.has(row.dataset.member));
    const box = document.querySelector("[data-presence]");
    if (!box) return;
    const people = [...this.users.values()].map((p) => p.user).filter((u) => u.id !== this.me.id);
    people.sort((a, b) => a.name.localeCompare(b.name));
    const shown = people.slice(0, 6);
    box.innerHTML =
      shown
        .map(
          (u) =>
            `<span class="avatar" style="--c:${esc(u.color)}" title="${esc(u.name)} is here"` +
            ` data-user="${u.id}">${esc(u.initials)}</span>`,
        )
        .join("") + (people.length > shown.length ? `<span class="more">+${people.length - shown.length}</span>` : "");
    box.setAttribute("aria-label", people.length ? `Also here: ${people.map((u) => u.name).join(", ")}` : "Nobody else is here");
  }
}

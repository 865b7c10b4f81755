// Every page: toasts, menus, framing sketches; on a project page also the live socket,
// presence avatars, live regions, and what to do when your own access changes.

import { armToast, toast } from "./lib/toast.js";
import { framingSvg } from "./lib/framing.js";
import { projectSocket } from "./live/socket.js";
import { Presence } from "./live/presence.js";
import { liveRegions } from "./live/regions.js";

function drawFramings(root = document) {
  for (const node of root.querySelectorAll("[data-framing]")) {
    const spec = JSON.parse(node.dataset.framing);
    node.insertAdjacentHTML("afterbegin", framingSvg(spec));
    node.removeAttribute("data-framing");
  }
}

/** Menus close on a click outside them, on choosing one of their links, and on Escape. */
function closeMenus() {
  document.addEventListener("click", (e) => {
    const chosen = e.target.closest(".menu-panel a");
    for (const menu of document.querySelectorAll("details.menu[open]")) {
      if (!menu.contains(e.target) || menu.contains(chosen)) menu.removeAttribute("open");
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    for (const menu of document.querySelectorAll("details.menu[open]")) {
      menu.removeAttribute("open");
      if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
    }
  });
}

function confirmForms() {
  document.addEventListener("submit", (e) => {
    const message = e.submitter?.dataset.confirm || e.target.dataset.confirm;
    if (message && !window.confirm(message)) e.preventDefault();
  });
}

// Behaviour the templates ask for by attribute (the Content-Security-Policy allows no inline handlers):
// data-submit-on-change submits the control's form, data-go-on-change opens the chosen value, and
// data-toggles="id" shows or hides that element and focuses its first field.
function declarativeControls() {
  document.addEventListener("change", (e) => {
    const control = e.target;
    if (control.matches?.("[data-submit-on-change]")) control.form?.requestSubmit();
    if (control.matches?.("[data-go-on-change]")) location.href = control.value;
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest?.("[data-toggles]");
    const target = button && document.getElementById(button.dataset.toggles);
    if (!target) return;
    target.hidden = !target.hidden;
    target.querySelector("input:not([type=hidden]), textarea, select")?.focus();
  });
}

function watchOwnAccess(socket, me) {
  const connection = document.querySelector("[data-connection]");
  socket.on("state", ({ state, reason }) => {
    if (!connection) return;
    connection.dataset.state = state;
    connection.title = reason || { open: "Live", connecting: "Connecting…", closed: "Reconnecting…" }[state];
  });
  socket.on("member.updated", (m) => {
    if (m.data.member.user.id === me.id) {
      toast(`Your role is now ${m.data.member.role}. Reloading…`, "info");
      setTimeout(() => location.reload(), 1200);
    }
  });
  socket.on("refused", ({ reason }) => toast(reason, "error"));
  socket.on("project.deleted", (m) => {
    toast(`${m.actor?.name || "Someone"} deleted this project.`, "error");
    setTimeout(() => (location.href = "/"), 1500);
  });
  socket.on("project.updated", (m) => {
    for (const node of document.querySelectorAll("[data-project-title]")) node.textContent = m.data.project.title;
  });
}

function boot() {
  document.querySelectorAll(".messages .toast").forEach(armToast);
  drawFramings();
  closeMenus();
  confirmForms();
  declarativeControls();
  const { projectId, userId, userName, userInitials, userColor } = document.body.dataset;
  if (!projectId) return;
  const me = { id: Number(userId), name: userName, initials: userInitials, color: userColor };
  const socket = projectSocket(Number(projectId));
  const presence = new Presence(socket, me);
  window.studio = { socket, presence, me };
  watchOwnAccess(socket, me);
  liveRegions(socket);
  document.addEventListener("live:refreshed", (e) => drawFramings(e.target));
  document.dispatchEvent(new CustomEvent("studio:ready", { detail: window.studio }));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();

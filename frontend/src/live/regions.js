// Live regions of server-rendered pages. An element with data-live-region="name" and
// data-live-events="member.,project." is fetched again from the server when a matching
// event arrives, unless the user is typing in it; then it is refreshed once they leave it.

import { fetchPage } from "../lib/api.js";
import { debounce } from "../lib/dom.js";

function matches(region, type) {
  const prefixes = (region.dataset.liveEvents || "").split(",").map((s) => s.trim()).filter(Boolean);
  return prefixes.some((p) => type.startsWith(p));
}

function busy(region) {
  const active = document.activeElement;
  return active && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
}

async function refresh(names) {
  let doc;
  try {
    doc = await fetchPage();
  } catch {
    return; // offline or gone: the next event or the resync after reconnecting tries again
  }
  for (const name of names) {
    const current = document.querySelector(`[data-live-region="${name}"]`);
    const fresh = doc.querySelector(`[data-live-region="${name}"]`);
    if (!current || !fresh) continue;
    if (busy(current)) {
      current.addEventListener("focusout", () => refresh([name]), { once: true });
      continue;
    }
    current.innerHTML = fresh.innerHTML;
    current.classList.remove("live-flash");
    void current.offsetWidth; // restart the animation
    current.classList.add("live-flash");
    current.dispatchEvent(new CustomEvent("live:refreshed", { bubbles: true }));
    window.studio?.presence?.render();
  }
}

export function liveRegions(socket) {
  const pending = new Set();
  const flush = debounce(() => {
    const names = [...pending];
    pending.clear();
    refresh(names);
  }, 150);
  socket.on("*", (message) => {
    for (const region of document.querySelectorAll("[data-live-region]")) {
      if (matches(region, message.type)) pending.add(region.dataset.liveRegion);
    }
    if (pending.size) flush();
  });
  socket.on("resync", () => {
    for (const region of document.querySelectorAll("[data-live-region]")) pending.add(region.dataset.liveRegion);
    if (pending.size) flush();
  });
}

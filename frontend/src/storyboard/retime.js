// A retimed cut from editorial, as a diff the director accepts: new durations and places, clips it could not
// match and shots it lacks; "Apply selected" makes the chosen changes as ordinary versioned shot updates.

import { esc } from "../lib/dom.js";

export function proposalHtml(proposal, fileName) {
  const rows = proposal.changes.map((c, i) => {
    const retimed = c.old_frames !== c.new_frames;
    const moved = c.old_index !== c.new_index;
    return [
      `<tr data-change="${c.shot_id}">`,
      // a row that only moves has no box of its own: "Apply the new order" takes the places
      retimed ? `  <td><input type="checkbox" data-pick-change="${i}" checked aria-label="Apply the new duration of shot ${esc(c.number)}"></td>` : '  <td class="faint">—</td>',
      `  <td><b>${esc(c.number)}</b></td>`,
      `  <td class="${retimed ? "sb-changed" : "faint"}">${esc(c.old_duration_s)} s → ${esc(c.new_duration_s)} s <span class="faint small">(${c.old_frames} → ${c.new_frames} fr)</span></td>`,
      `  <td class="${moved ? "sb-changed" : "faint"}">${c.old_index + 1} → ${c.new_index + 1}</td>`,
      "</tr>",
    ].join("");
  }).join("");
  const moved = proposal.changes.some((c) => c.old_index !== c.new_index);
  const list = (title, items, text) => (items && items.length
    ? `<div class="sb-retime-list"><h3>${title}</h3><ul>${items.map((x) => `<li>${text(x)}</li>`).join("")}</ul></div>` : "");
  return [
    '<div class="sb-retime-head">',
    `  <h2>Retimed cut <span class="faint small">${esc(fileName)}</span></h2>`,
    '  <span class="spacer"></span>',
    '  <button class="btn btn-sm btn-ghost" type="button" data-retime-close>Close</button>',
    "</div>",
    proposal.rate_mismatch ? `<p class="sb-export-error">${esc(proposal.rate_mismatch)}</p>` : "",
    proposal.changes.length
      ? `<table class="sb-diff"><thead><tr><th></th><th>Shot</th><th>Duration</th><th>Position</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="faint">The cut changes no duration and no position.</p>',
    moved ? '<label class="sb-check"><input type="checkbox" data-retime-order checked> Apply the new order too (within each scene)</label>' : "",
    list("Clips matched to no shot", proposal.unmatched, (s) => `${esc(s.name || "(unnamed)")} · clip ${s.index + 1} · ${esc(s.duration_s)} s — ${esc(s.reason)}`),
    list("Clips that repeat a shot", proposal.repeated, (s) => `${esc(s.name || "(unnamed)")} · clip ${s.index + 1} — ${esc(s.reason)}`),
    list("Shots the cut does not use (kept)", proposal.missing, (m) => `${esc(m.number)} (place ${m.index + 1})`),
    list("Notes", proposal.notes, (n) => esc(n)),
    proposal.changes.length ? '<div class="row"><button class="btn btn-sm btn-primary" type="button" data-retime-apply>Apply selected</button></div>' : "",
  ].join("\n");
}

/** The apply request's body for the checked rows (and the order when asked). */
export function applyBody(proposal, root) {
  const changes = [...root.querySelectorAll("[data-pick-change]:checked")].map((box) => {
    const c = proposal.changes[Number(box.dataset.pickChange)];
    return { shot: c.shot_id, duration: c.new_duration_s, version: c.version };
  });
  const body = { changes };
  if (root.querySelector("[data-retime-order]:checked")) body.order = proposal.order;
  return body;
}

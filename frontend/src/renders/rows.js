// The rows of the shot and queue pages, drawn in the browser from the store's jobs and takes (their event
// payloads). They mirror the server's templates (studio/web/templates/web/_shot_jobs.html, _shot_takes.html,
// _queue.html, _job_status.html, _queue_shot.html) markup for markup, so the first paint (server) and every
// later one (here) are the same; a browser test compares the two. Change both together.

import { esc, formatDuration } from "../lib/dom.js";

// --- What the server's filters say --------------------------------------------------------------------

const NBSP = "\u00a0";
const UNITS = [["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Django's `ago` filter (studio/web/templatetags/studio_time.py): "just now", "3 minutes ago" (timesince, depth 1). */
export function ago(iso, now = new Date()) {
  if (!iso) return "";
  const d = new Date(iso);
  const since = Math.floor((now - d) / 1000);
  if (since < 60) return "just now";
  let months = (now.getUTCFullYear() - d.getUTCFullYear()) * 12 + (now.getUTCMonth() - d.getUTCMonth());
  const dayTime = (t) => t.getUTCDate() * 86400000 + (t.getTime() % 86400000);
  if (dayTime(d) > dayTime(now)) months -= 1;
  const years = Math.floor(months / 12);
  months -= years * 12;
  let pivot = d;
  if (years || months) {
    let y = d.getUTCFullYear() + years;
    let m = d.getUTCMonth() + months;
    if (m > 11) { m -= 12; y += 1; }
    pivot = new Date(Date.UTC(y, m, Math.min(MONTH_DAYS[m], d.getUTCDate()), d.getUTCHours(), d.getUTCMinutes(),
      d.getUTCSeconds()));
  }
  let rest = (now - pivot) / 1000;
  const parts = [["year", years], ["month", months]];
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size);
    parts.push([name, count]);
    rest -= count * size;
  }
  const first = parts.find(([, n]) => n !== 0);
  if (!first) return `0${NBSP}minutes ago`;
  const [name, n] = first;
  return `${n}${NBSP}${name}${n === 1 ? "" : "s"} ago`;
}

/** Django's `pluralize`. */
const s = (n) => (n === 1 ? "" : "s");
/** A Python float as Python prints it: 7.0, 0.35. */
export const pyFloat = (x) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
/** One decimal, half up (views._fixed1). */
export const fixed1 = (x) => x.toFixed(1);
/** The bar's width (views._job_row). */
export const percent = (progress) => (Math.floor(progress * 1000 + 0.5) / 10).toFixed(1);

// --- Jobs ---------------------------------------------------------------------------------------------

function statusPill(job, position) {
  const st = job.status;
  if (st === "running") return `<span class="pill job-running">${job.stage === "canceling" ? "Canceling" : "Running"}</span>`;
  if (st === "queued") {
    const title = position ? ' title="Place in the studio&#39;s queue when the page last heard of it"' : "";
    const text = position === 1 ? "Next up" : position ? `Queued · #${position}` : "Queued";
    return `<span class="pill job-queued"${title}>${text}</span>`;
  }
  if (st === "failed") return '<span class="pill job-failed">Failed</span>';
  if (st === "canceled") return '<span class="pill job-canceled">Canceled</span>';
  return '<span class="pill job-succeeded">Done</span>';
}

function avatar(user, { title = true } = {}) {
  const t = title ? ` title="Asked for by ${esc(user.name)}"` : "";
  return `<span class="avatar sm" style="--c:${esc(user.color)}"${t}>${esc(user.initials)}</span>`;
}

function person(user) {
  return user ? `<span class="person">${avatar(user, { title: false })} ${esc(user.name)}</span>` : "—";
}

/** A running job's step line (_job_steps.html): its model loading, or the step it is on. */
const stepsText = (job) => (job.stage === "loading" ? `Loading ${esc(job.model_label)}…` : `Step ${job.step} of ${job.total_steps}`);

const errorText = (job) => esc(job.error || "It failed without saying why.");

/** One job of the shot page (_shot_jobs.html). */
function shotJob(job, ctx) {
  const { labels, can } = ctx;
  const mode = job.mode_label;
  const head = [
    `  <article class="job" data-job="${job.id}" data-status="${esc(job.status)}" data-started="${esc(job.started_at || "")}">`,
    '    <div class="job-preview">',
    `      <img data-job-preview alt="Preview of job ${job.id}" hidden>`,
    `      <span class="job-preview-empty" data-job-preview-empty>${job.status === "failed" ? "!" : job.status === "queued" ? "…" : '<span class="spinner"></span>'}</span>`,
    "    </div>",
    '    <div class="job-body">',
    '      <div class="job-line">',
    `        ${statusPill(job, ctx.positions.get(job.id))}`,
    `        <b>${esc(labels.kind[job.kind])}</b>`,
    `        <span class="faint">${esc(mode)} · ${esc(job.model_label)}</span>`,
    '        <span class="spacer"></span>',
    `        ${job.requester ? avatar(job.requester) : ""}`,
    "      </div>",
  ];
  let body;
  if (job.status === "failed") {
    body = [
      `      <div class="job-error" data-job-error>${errorText(job)}</div>`,
      '      <div class="job-line small faint">',
      `        <span>Failed ${esc(ago(job.finished_at, ctx.now))} after ${job.attempts} attempt${s(job.attempts)}</span>`,
      '        <span class="spacer"></span>',
      `        ${can.generate ? `<button class="btn btn-sm" type="button" data-retry="${job.id}">Retry</button>` : ""}`,
      "      </div>",
    ];
  } else {
    body = [
      `      <div class="progress" role="progressbar" aria-label="Progress of job ${job.id}" aria-valuemin="0" aria-valuemax="${job.total_steps}" aria-valuenow="${job.step}" data-job-progress>`,
      `        <span class="bar" data-job-bar style="width:${percent(job.progress)}%"></span></div>`,
      '      <div class="job-line small faint">',
      `        <span data-job-steps>${job.status === "running" ? stepsText(job) : `${job.total_steps} steps`}</span>`,
      `        <span>· ${job.width}×${job.height} · seed ${job.seed}</span>`,
      `        ${job.cancel_requested ? '<span class="job-stopping">· canceling…</span>' : ""}`,
      '        <span class="spacer"></span>',
      `        ${can.generate && !job.cancel_requested ? `<button class="btn btn-sm btn-danger" type="button" data-cancel="${job.id}">Cancel</button>` : ""}`,
      "      </div>",
    ];
  }
  return [...head, ...body, "    </div>", "  </article>"].join("\n");
}

/** The shot page's jobs part, without its state script. */
export function shotJobsHTML(jobs, ctx) {
  if (!jobs.length) return "";
  return ['<div class="job-list">', ...jobs.map((job) => shotJob(job, ctx)), "</div>"].join("\n");
}

// --- Takes --------------------------------------------------------------------------------------------

function provenance(take, labels) {
  const made = take.made_with;
  const out = [];
  if (take.source === "generated") {
    if (made) {
      const refs = made.references ? ` · ${made.references} reference${s(made.references)}` : "";
      const strength = made.strength !== null ? ` · strength ${pyFloat(made.strength)}` : "";
      out.push(
        `<div><dt>Model</dt><dd>${esc(made.model_label)}</dd></div>`,
        `      <div><dt>Mode</dt><dd>${esc(made.mode_label)}${refs}${strength}</dd></div>`,
        `      <div><dt>Seed</dt><dd class="mono">${made.seed}</dd></div>`,
        `      <div><dt>Steps</dt><dd>${made.steps}${made.quality === "draft" ? " · draft" : ""} · guidance ${pyFloat(made.guidance)}</dd></div>`,
      );
    }
    if (take.layout_version) out.push(`      <div><dt>Layout</dt><dd>v${take.layout_version}</dd></div>`);
  } else if (take.source === "previz") {
    out.push(`      <div><dt>Source</dt><dd>Previz ${take.kind === "clip" ? "camera move" : "capture"} · layout v${take.layout_version}</dd></div>`);
    if (take.depth_url) out.push(`      <div><dt>Depth</dt><dd><a href="${esc(take.depth_url)}" target="_blank" rel="noopener">depth map</a></dd></div>`);
  } else {
    out.push(`      <div><dt>Source</dt><dd>Uploaded${take.uploaded_as ? ` · ${esc(take.uploaded_as)}` : ""}</dd></div>`);
  }
  return out.join("\n");
}

function takeThumb(take, first, labels) {
  return [
    `  <button class="take-thumb" type="button" role="tab" data-select-take="${take.id}" aria-selected="${first}" title="Take v${take.number}">`,
    `    <img src="${esc(take.thumbnail_url)}" alt="" loading="lazy">`,
    `    <span class="v">v${take.number}</span>`,
    `    ${take.kind === "clip" ? '<span class="clip-mark" aria-label="Clip">▶</span>' : ""}`,
    `    <span class="review-dot review-${esc(take.review)}" title="${esc(labels.review[take.review])}"></span>`,
    "  </button>",
  ].join("\n");
}

/** "Use in storyboard" on a take that is not approved (as _shot_takes.html draws it); "Picked" once picked. */
function pick(take, can) {
  if (take.review === "approved") return "";
  if (can.edit_shots) {
    const title = take.picked ? "Picked for the storyboard and the cut: press to take the pick back"
      : "Show this take in the storyboard and the cut (an approved take still comes first)";
    return `      <button class="btn btn-sm" type="button" data-pick-take="${take.id}" aria-pressed="${Boolean(take.picked)}" title="${title}">${take.picked ? "Picked" : "Use in storyboard"}</button>`;
  }
  return take.picked ? '      <span class="pill plain" data-picked>Picked</span>' : "";
}

function takeArticle(take, first, ctx) {
  const { labels, can, shot } = ctx;
  const made = take.made_with;
  const clip = take.kind === "clip";
  const duration = clip && take.fps ? fixed1(take.frames / take.fps) : "";
  const media = clip
    ? `<video src="${esc(take.url)}" poster="${esc(take.thumbnail_url)}" controls loop muted playsinline preload="none" width="${take.width}" height="${take.height}"></video>`
    : `<img src="${esc(take.url)}" alt="Take v${take.number} of shot ${esc(shot.number)}" width="${take.width}" height="${take.height}" loading="lazy">`;
  const source = take.source === "uploaded" ? '<span class="badge-plain">Uploaded</span>'
    : take.source === "previz" ? '<span class="badge-plain">Previz</span>' : "";
  const review = can.review ? [
    `      <div class="review-buttons" role="group" aria-label="Review take v${take.number}">`,
    `        <button class="btn btn-sm btn-approve" type="button" data-review="approved" data-take-id="${take.id}" aria-pressed="${take.review === "approved"}">`,
    '          <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><path d="M3 8.5 6.5 12 13 4.5"/></svg>Approve</button>',
    `        <button class="btn btn-sm btn-reject" type="button" data-review="rejected" data-take-id="${take.id}" aria-pressed="${take.review === "rejected"}">`,
    '          <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><path d="M4 4l8 8M12 4l-8 8"/></svg>Reject</button>',
    "      </div>",
  ].join("\n") : "";
  const actions = can.generate && take.kind === "image" ? [
    `      <button class="btn btn-sm" type="button" data-use-init="${take.id}" title="Image to image from this take">Use as init image</button>`,
    `      <button class="btn btn-sm" type="button" data-animate="${take.id}" title="A clip that starts on this frame">Animate this frame</button>`,
  ].join("\n") : "";
  return [
    `<article class="take" data-take="${take.id}" data-kind="${esc(take.kind)}" data-number="${take.number}" role="tabpanel" aria-label="Take v${take.number}"${first ? "" : " hidden"}>`,
    `  <div class="take-media" style="--ratio:${take.width}/${take.height}">`,
    `    ${media}`,
    '    <div class="take-badges">',
    `      <span class="take-v">v${take.number}</span>`,
    `      ${take.smoke_test ? '<span class="badge-smoke" title="Made by a tiny model with random weights: this is noise, not a frame">Smoke-test model</span>' : ""}`,
    `      ${source}`,
    `      ${clip ? `<span class="badge-plain">Clip · ${take.frames} frames${duration ? ` · ${duration}s` : ""}</span>` : ""}`,
    "    </div>",
    "  </div>",
    '  <div class="take-info" data-take-info>',
    '    <div class="take-info-head">',
    `      <h3>v${take.number}</h3>`,
    `      <span class="pill review-${esc(take.review)}" data-review-state>${esc(labels.review[take.review])}</span>`,
    `      ${take.reviewed_by ? `<span class="faint small">by ${esc(take.reviewed_by.name)}</span>` : ""}`,
    '      <span class="spacer"></span>',
    review,
    "    </div>",
    '    <div class="take-actions">',
    actions,
    pick(take, can),
    `      <a class="btn btn-sm btn-ghost" href="${esc(take.url)}" download>Download</a>`,
    "    </div>",
    '    <dl class="provenance">',
    `      ${provenance(take, labels)}`,
    `      <div><dt>Size</dt><dd>${take.width}×${take.height}${clip ? ` · ${take.frames} frames at ${take.fps} fps` : ""}</dd></div>`,
    `      ${made && made.seconds !== null ? `<div><dt>Took</dt><dd>${fixed1(made.seconds)} s</dd></div>` : ""}`,
    `      <div><dt>By</dt><dd>${take.created_by ? esc(take.created_by.name) : "—"}</dd></div>`,
    `      <div><dt>When</dt><dd><time datetime="${esc(take.created_at)}">${esc(ago(take.created_at, ctx.now))}</time></dd></div>`,
    "    </dl>",
    `    ${made?.prompt ? `<div class="take-prompt"><span class="label">Prompt</span><p>${esc(made.prompt)}</p></div>` : ""}`,
    "  </div>",
    "</article>",
  ].join("\n");
}

/** The shot page's takes part (newest first), without its state script. */
export function shotTakesHTML(takes, ctx) {
  const { can } = ctx;
  const upload = can.edit_shots ? [
    '  <label class="btn btn-sm" title="Add a drawing, a photo or a clip as the next take">',
    '    <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5"><path d="M8 11V2.5M4.5 6 8 2.5 11.5 6M2.5 10.5v3h11v-3"/></svg>Upload take',
    '    <input type="file" class="sr-only" data-upload-take accept="image/png,image/jpeg,image/webp,video/mp4,video/webm">',
    "  </label>",
  ].join("\n") : "";
  const head = [
    '<div class="takes-head">',
    "  <h2>Takes</h2>",
    `  <span class="faint small" data-takes-count>${takes.length}</span>`,
    '  <span class="spacer"></span>',
    upload,
    "</div>",
  ].join("\n");
  if (!takes.length) {
    const hint = can.generate
      ? `Set up a frame in the panel on the left and generate it${can.edit_shots ? ", or upload a drawing or a clip" : ""}.`
      : can.edit_shots ? "Upload a drawing or a clip." : "Takes appear here as soon as the team makes them.";
    return [head, '<div class="empty takes-empty">', '  <div class="empty-title">No takes yet</div>', `  ${hint}`,
      "</div>"].join("\n");
  }
  return [
    head,
    '<div class="take-strip" role="tablist" aria-label="Versions, newest first">',
    ...takes.map((t, i) => takeThumb(t, i === 0, ctx.labels)),
    "</div>",
    ...takes.map((t, i) => takeArticle(t, i === 0, ctx)),
  ].join("\n");
}

// --- The queue page -----------------------------------------------------------------------------------

function queueShot(job, ctx) {
  return `<a class="queue-shot" href="/projects/${ctx.projectId}/shots/${job.shot}/"><span class="num">${esc(job.shot_number)}</span><span class="heading">${esc(job.scene_heading)}</span></a>`;
}

function runningJob(job, ctx) {
  const { labels, can } = ctx;
  const elapsed = job.started_at ? formatDuration(Math.max(0, Math.round((ctx.now - Date.parse(job.started_at)) / 1000))) : "";
  return [
    `    <article class="job running-job" data-job="${job.id}" data-status="running" data-started="${esc(job.started_at || "")}">`,
    `      <div class="job-preview"><img data-job-preview alt="Preview of job ${job.id}" hidden><span class="job-preview-empty" data-job-preview-empty><span class="spinner"></span></span></div>`,
    '      <div class="job-body">',
    '        <div class="job-line">',
    `          ${queueShot(job, ctx)}`,
    `          <span class="faint">${esc(labels.kind[job.kind])} · ${esc(job.mode_label)} · ${esc(job.model_label)}</span>`,
    '          <span class="spacer"></span>',
    `          ${job.requester ? avatar(job.requester) : ""}`,
    "        </div>",
    `        <div class="progress" role="progressbar" aria-label="Progress of job ${job.id}" aria-valuemin="0" aria-valuemax="${job.total_steps}" aria-valuenow="${job.step}" data-job-progress><span class="bar" data-job-bar style="width:${percent(job.progress)}%"></span></div>`,
    '        <div class="job-line small faint">',
    `          <span data-job-steps>${stepsText(job)}</span>`,
    `          <span>· ${job.width}×${job.height}</span>`,
    `          <span>· on <span class="mono">${esc(job.worker || "a worker")}</span></span>`,
    `          <span>· <span data-elapsed>${elapsed}</span></span>`,
    `          ${job.attempts > 1 ? `<span>· attempt ${job.attempts}</span>` : ""}`,
    `          ${job.cancel_requested ? '<span class="job-stopping">· canceling…</span>' : ""}`,
    '          <span class="spacer"></span>',
    `          ${can.generate && !job.cancel_requested ? `<button class="btn btn-sm btn-danger" type="button" data-cancel="${job.id}">Cancel</button>` : ""}`,
    "        </div>",
    "      </div>",
    "    </article>",
  ].join("\n");
}

function queuedRow(job, ctx) {
  const { labels, can } = ctx;
  const retry = ctx.retried(job.id) || job.retry_of ? ' <span class="pill plain">retry</span>' : "";
  return [
    `      <tr data-job="${job.id}" data-status="queued">`,
    `        <td class="pos mono">${ctx.positions.get(job.id) || "–"}</td>`,
    `        <td>${queueShot(job, ctx)}</td>`,
    `        <td><span>${esc(labels.kind[job.kind])}</span> <span class="faint small">${esc(job.mode_label)} · ${esc(job.model_label)} · ${job.total_steps} steps</span>${retry}</td>`,
    `        <td>${person(job.requester)}</td>`,
    `        <td class="faint nowrap">${esc(ago(job.created_at, ctx.now))}</td>`,
    `        <td class="actions">${can.generate ? `<button class="btn btn-sm btn-danger" type="button" data-cancel="${job.id}">Cancel</button>` : ""}</td>`,
    "      </tr>",
  ].join("\n");
}

function failedRow(job, ctx) {
  const { labels, can } = ctx;
  const action = ctx.retried(job.id) ? '<span class="faint small">Retried</span>'
    : can.generate ? `<button class="btn btn-sm" type="button" data-retry="${job.id}">Retry</button>` : "";
  return [
    `      <tr data-job="${job.id}" data-status="failed">`,
    `        <td>${queueShot(job, ctx)}</td>`,
    `        <td class="error-cell"><div class="job-error">${errorText(job)}</div>`,
    `          <div class="faint small">${esc(labels.kind[job.kind])} · ${esc(job.model_label)} · ${job.attempts} attempt${s(job.attempts)}</div></td>`,
    `        <td>${person(job.requester)}</td>`,
    `        <td class="faint nowrap">${esc(ago(job.finished_at, ctx.now))}</td>`,
    `        <td class="actions">${action}</td>`,
    "      </tr>",
  ].join("\n");
}

function finishedCard(job, ctx) {
  const take = job.take ? ctx.take(job.take) : null;
  const frame = take
    ? `<img src="${esc(take.thumbnail_url)}" alt="Take v${take.number}" loading="lazy">${take.smoke_test ? '<span class="badge-smoke">Smoke test</span>' : ""}`
    : '<span class="faint small">Canceled</span>';
  const what = take
    ? `<span class="faint small">v${take.number} · ${esc(ctx.labels.kind[job.kind].toLowerCase())}</span>`
    : '<span class="pill job-canceled">Canceled</span>';
  return [
    `    <a class="finished" href="/projects/${ctx.projectId}/shots/${job.shot}/" data-job="${job.id}" data-status="${esc(job.status)}">`,
    `      <div class="finished-frame">${frame}</div>`,
    '      <div class="finished-body">',
    `        <span class="num">${esc(job.shot_number)}</span>`,
    `        ${what}`,
    '        <span class="spacer"></span>',
    `        <span class="faint small nowrap">${esc(ago(job.finished_at, ctx.now))}</span>`,
    "      </div>",
    "    </a>",
  ].join("\n");
}

function section(id, title, body) {
  return [`<section class="queue-section" aria-labelledby="${id}">`, `  <h2 id="${id}" class="section-title">${title}</h2>`,
    body, "</section>"].join("\n");
}

/** The queue page's part (_queue.html), without its state script. ``view``: running, queued, failed, finished. */
export function queueHTML(view, ctx) {
  const { running, queued, failed, finished } = view;
  const { can } = ctx;
  const stats = [
    '<div class="queue-stats">',
    `  <div class="stat"><div class="n" data-count="running">${running.length}</div><div class="k">Running</div></div>`,
    `  <div class="stat"><div class="n" data-count="queued">${queued.length}</div><div class="k">Queued here</div></div>`,
    `  <div class="stat"><div class="n" data-count="studio">${ctx.totalQueued}</div><div class="k">In the studio's queue</div></div>`,
    `  <div class="stat"><div class="n${failed.length ? " bad" : ""}" data-count="failed">${failed.length}</div><div class="k">Failed lately</div></div>`,
    "</div>",
  ].join("\n");
  const idle = queued.length ? " The next job starts as soon as a worker is free."
    : can.generate ? " Open a shot from the board and generate a frame; it shows up here while it runs." : "";
  const runningBody = running.length
    ? ['  <div class="running-list">', ...running.map((j) => runningJob(j, ctx)), "  </div>"].join("\n")
    : `  <div class="empty small">Nothing is generating right now.${idle}</div>`;
  const queuedBody = queued.length ? [
    '  <table class="table queue-table">',
    '    <thead><tr><th class="pos">#</th><th>Shot</th><th>What</th><th>Asked for by</th><th>Since</th><th></th></tr></thead>',
    "    <tbody>", ...queued.map((j) => queuedRow(j, ctx)), "    </tbody>", "  </table>",
  ].join("\n") : '  <div class="empty small">The queue is empty.</div>';
  const failedBody = failed.length ? [
    '  <table class="table queue-table">',
    "    <thead><tr><th>Shot</th><th>What went wrong</th><th>Asked for by</th><th>When</th><th></th></tr></thead>",
    "    <tbody>", ...failed.map((j) => failedRow(j, ctx)), "    </tbody>", "  </table>",
  ].join("\n") : '  <div class="empty small">No failures lately.</div>';
  const finishedBody = finished.length
    ? ['  <div class="finished-grid">', ...finished.map((j) => finishedCard(j, ctx)), "  </div>"].join("\n")
    : '  <div class="empty small">Nothing has finished yet. Finished frames and clips land on their shot as takes.</div>';
  return [
    stats,
    section("q-running", "Running", runningBody),
    section("q-queued", "Queued", queuedBody),
    section("q-failed", "Failed", failedBody),
    section("q-finished", "Recently finished", finishedBody),
  ].join("\n\n");
}

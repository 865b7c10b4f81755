// The jobs and takes a generation page shows, by id, kept in step with job.* and take.* events from their
// payloads (no request to the server). Every job and take carries a version that each write on the server
// bumps: an event (or an API answer) whose version is not newer than what the store holds is stale and
// ignored, so events that arrive late or twice never undo a newer state. A resync (after a reconnect) loads
// the server's parts again (`load`), which replaces what the store holds.
//
// Places in the studio's queue are as of the server's last read (see studio/renders/selectors.queue_positions):
// the store moves them along with this project's events only, as written in `left` and `joined` below.

const JOB_EVENTS = new Set(["job.queued", "job.started", "job.loading", "job.stopping", "job.succeeded",
  "job.failed", "job.canceled"]);
const at = (iso) => Date.parse(iso);
const byCreated = (a, b) => at(a.created_at) - at(b.created_at) || a.id - b.id;

export class RenderStore {
  constructor() {
    this.jobs = new Map();
    this.takes = new Map();
    this.positions = new Map(); // queued job id → place in the studio's queue
    this.retriedIds = new Set(); // jobs a later job retried
    this.totalQueued = null; // the studio's queue, every project (the queue page shows it)
  }

  /** Take what a part of the page was drawn from (its state script): the server's word replaces ours. */
  load({ jobs, takes, positions, retried, total_queued: total } = {}) {
    if (jobs) {
      this.jobs = new Map(jobs.map((j) => [j.id, j]));
      this.positions = new Map(Object.entries(positions || {}).map(([id, n]) => [Number(id), n]));
      this.retriedIds = new Set(retried || []);
      for (const job of jobs) if (job.retry_of) this.retriedIds.add(job.retry_of);
    }
    if (takes) this.takes = new Map(takes.map((t) => [t.id, t]));
    if (total !== undefined) this.totalQueued = total;
  }

  retried(id) {
    return this.retriedIds.has(id);
  }

  /** A job's newer state (from an event or an API answer); false when it is not newer than what is held. */
  putJob(job) {
    const held = this.jobs.get(job.id);
    if (held && held.version >= job.version) return false;
    this.jobs.set(job.id, job);
    if (job.retry_of) this.retriedIds.add(job.retry_of);
    if (job.status !== "queued" && this.positions.has(job.id)) this.left(job.id, job.status);
    return true;
  }

  putTake(take) {
    const held = this.takes.get(take.id);
    if (held && held.version >= take.version) return false;
    this.takes.set(take.id, take);
    return true;
  }

  /** A job of this project left the queue at place p. Workers take jobs in order, so one that starts at p took
   * every job before it out of the queue too: the project's jobs behind it move up by p. One canceled while
   * queued moves those behind it up by one. */
  left(id, status) {
    const place = this.positions.get(id);
    this.positions.delete(id);
    if (!place) return;
    const by = status === "running" ? place : 1;
    for (const [other, n] of this.positions) if (n > place) this.positions.set(other, Math.max(1, n - by));
    if (this.totalQueued !== null) this.totalQueued = Math.max(0, this.totalQueued - by);
  }

  /** A job of this project joined the queue at ``position`` (a new job is last; a requeued one keeps its place). */
  joined(id, position, requeued) {
    if (!position || this.jobs.get(id)?.status !== "queued" || this.positions.has(id)) return;
    if (requeued) for (const [other, n] of this.positions) if (n >= position) this.positions.set(other, n + 1);
    this.positions.set(id, position);
    if (this.totalQueued !== null) this.totalQueued = requeued ? this.totalQueued + 1 : Math.max(this.totalQueued, position);
  }

  /** Apply a live event. Returns what it changed: {jobs, takes, progress} (all false for a stale or foreign one). */
  apply(message) {
    const changed = { jobs: false, takes: false, progress: false };
    const d = message.data;
    if (!d) return changed;
    if (JOB_EVENTS.has(message.type)) {
      changed.jobs = this.putJob(d.job);
      if (message.type === "job.queued") {
        const before = this.positions.get(d.job.id);
        this.joined(d.job.id, d.position, d.requeued);
        changed.jobs = changed.jobs || before !== this.positions.get(d.job.id);
      }
    } else if (message.type === "job.progress") {
      changed.progress = this.progress(d);
    } else if (message.type === "take.created" || message.type === "take.updated") {
      changed.takes = this.putTake(d.take);
    } else if (message.type === "take.picked") {
      // the picked take comes whole; the one it replaced (or the one unpicked) only by id, one version on
      if (d.take) changed.takes = this.putTake(d.take);
      const other = d.unpicked !== null && d.unpicked !== undefined ? this.takes.get(d.unpicked) : null;
      if (other && other.picked) {
        this.takes.set(other.id, { ...other, picked: false, version: other.version + 1 });
        changed.takes = true;
      }
    }
    return changed;
  }

  /** A step of a running job; false when it is stale, or the job is not held (the page does not show it). */
  progress({ id, version, step, total }) {
    const held = this.jobs.get(id);
    if (!held || held.version >= version || !["queued", "running"].includes(held.status)) return false;
    if (this.positions.has(id)) this.left(id, "running");
    const stage = held.stage === "loading" ? "" : held.stage; // a step: its model has loaded
    this.jobs.set(id, { ...held, version, status: "running", stage, step, total_steps: total,
      progress: total ? Math.round((step / total) * 10000) / 10000 : 0 });
    return true;
  }

  // --- What the pages show ------------------------------------------------------------------------------

  /** The shot page's jobs: queued and running, and failures of the last ``recentS`` seconds not retried. */
  shotJobs(shotId, recentS, now = Date.now()) {
    return [...this.jobs.values()].filter((j) => j.shot === shotId && (
      j.status === "queued" || j.status === "running"
      || (j.status === "failed" && !this.retried(j.id) && now - Date.parse(j.finished_at) <= recentS * 1000)))
      .sort(byCreated);
  }

  /** A shot's takes, newest first. */
  shotTakes(shotId) {
    return [...this.takes.values()].filter((t) => t.shot === shotId).sort((a, b) => b.number - a.number);
  }

  /** The queue page's lists, as views.queue_page makes them (``limits`` are its QUEUE_* numbers). */
  queueView(limits) {
    const all = [...this.jobs.values()];
    const running = all.filter((j) => j.status === "running").sort(byCreated);
    const queued = all.filter((j) => j.status === "queued")
      .sort((a, b) => (this.positions.get(a.id) || 0) - (this.positions.get(b.id) || 0) || byCreated(a, b));
    const recent = all.filter((j) => ["succeeded", "failed", "canceled"].includes(j.status))
      .sort((a, b) => at(b.finished_at) - at(a.finished_at) || b.id - a.id)
      .slice(0, limits.recent);
    return {
      running, queued,
      failed: recent.filter((j) => j.status === "failed").slice(0, limits.failed),
      finished: recent.filter((j) => j.status !== "failed").slice(0, limits.finished),
    };
  }
}

/** The state a server-rendered part carries (its json_script ``id``), taken out of the part. */
export function takeState(root, id) {
  const node = root.querySelector(`script#${id}`);
  if (!node) return {};
  node.remove();
  return JSON.parse(node.textContent);
}

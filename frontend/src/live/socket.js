// The project websocket: one per page, reconnecting, with a heartbeat.
//
// Listeners: socket.on("shot.updated", fn), socket.on("*", fn) for every event,
// socket.on("resync", fn) when events may have been missed: a gap in their numbers, or a reconnect,
// socket.on("state", fn) when the connection opens or drops.
//
// Every project event carries the project's next event number (seq), and the snapshot a connection opens
// with carries the number of the last one. A number skipped means an event was dropped on the way (a full or
// broken channel layer): the page reads what it shows again. A resync listener may return a promise; until
// every one has settled, events are held, then delivered on top of what was read (pages drop stale ones by
// version), so an event that arrives while the page reads is not undone by the read.

const HEARTBEAT_MS = 25000;
const FINAL_CODES = { 4401: "You are logged out.", 4403: "You no longer have access to this project.",
  4404: "This project is not available." };

export class ProjectSocket {
  constructor(projectId) {
    this.projectId = projectId;
    this.listeners = new Map();
    this.retry = 0;
    this.opens = 0; // connections opened: a snapshot on any but the first resyncs (even if the first never sent one)
    this.state = "connecting";
    this.stopped = false;
    this.seq = null; // the number of the last project event this page has seen (or was told of)
    this.held = null; // events that arrive while a resync reads; null when none runs
    this.resyncs = 0; // how many times the page read again (tests watch it)
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }

  emit(type, payload) {
    return [...(this.listeners.get(type) || [])].map((fn) => fn(payload));
  }

  /** A message from the server: its number checked, then handed to the listeners (or held while a resync reads). */
  receive(message) {
    if (message.type === "presence.snapshot") this.opened(message.seq);
    else if (typeof message.seq === "number") this.numbered(message.seq);
    this.deliver(message);
  }

  deliver(message) {
    if (this.held) return this.held.push(message);
    this.emit(message.type, message);
    this.emit("*", message);
  }

  /** The snapshot a connection opens with, sent once it hears the project's events: after a reconnect events may
   * have been missed while away (or before a layer outage), so the page reads again from here. */
  opened(seq = null) {
    this.seq = seq;
    if (this.opens > 1) this.resync();
  }

  /** An event's number: one skipped means an event was lost on the way. Late ones are delivered all the same. */
  numbered(seq) {
    const missed = this.seq !== null && seq > this.seq + 1;
    if (this.seq === null || seq > this.seq) this.seq = seq;
    if (missed) this.resync();
  }

  async resync() {
    if (this.held) {
      this.again = true; // missed more while reading: read once more when this read ends
      return;
    }
    this.held = [];
    do {
      this.again = false;
      this.resyncs += 1;
      await Promise.allSettled(this.emit("resync"));
    } while (this.again);
    const held = this.held;
    this.held = null;
    for (const message of held) this.deliver(message);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/projects/${this.projectId}/`;
  }

  connect() {
    this.setState("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.opens += 1;
      this.retry = 0;
      this.setState("open");
      this.heartbeat = setInterval(() => this.send({ type: "ping" }), HEARTBEAT_MS);
    });
    ws.addEventListener("message", (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      this.receive(message);
    });
    ws.addEventListener("close", (e) => {
      clearInterval(this.heartbeat);
      if (this.stopped) return;
      if (FINAL_CODES[e.code]) {
        this.setState("closed", FINAL_CODES[e.code]);
        this.emit("refused", { code: e.code, reason: FINAL_CODES[e.code] });
        return;
      }
      this.setState("closed");
      const delay = Math.min(10000, 500 * 2 ** this.retry) + Math.random() * 300;
      this.retry += 1;
      setTimeout(() => this.connect(), delay);
    });
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  setState(state, reason = "") {
    this.state = state;
    this.emit("state", { state, reason });
  }

  close() {
    this.stopped = true;
    this.ws?.close();
  }
}

let shared = null;

/** The page's socket for its project (created on first use). */
export function projectSocket(projectId) {
  if (!shared) {
    shared = new ProjectSocket(projectId);
    shared.connect();
  }
  return shared;
}

// The project websocket: one per page, reconnecting, with a heartbeat.
//
// Listeners: socket.on("shot.updated", fn), socket.on("*", fn) for every event,
// socket.on("resync", fn) after a reconnect (events may have been missed),
// socket.on("state", fn) when the connection opens or drops.

const HEARTBEAT_MS = 25000;
const FINAL_CODES = { 4401: "You are logged out.", 4403: "You no longer have access to this project.",
  4404: "This project is not available." };

export class ProjectSocket {
  constructor(projectId) {
    this.projectId = projectId;
    this.listeners = new Map();
    this.retry = 0;
    this.everOpened = false;
    this.state = "connecting";
    this.stopped = false;
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }

  emit(type, payload) {
    for (const fn of this.listeners.get(type) || []) fn(payload);
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
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.retry = 0;
      this.setState("open");
      this.heartbeat = setInterval(() => this.send({ type: "ping" }), HEARTBEAT_MS);
      if (reconnected) this.emit("resync");
    });
    ws.addEventListener("message", (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      this.emit(message.type, message);
      this.emit("*", message);
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

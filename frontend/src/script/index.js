// The script page: the screenplay in CodeMirror, shared live through Yjs (y-websocket to our server),
// laid out like a printed page, with collaborators' cursors, undo of your own edits only, and a scene
// navigator.

import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, placeholder } from "@codemirror/view";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { pageData, plural } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { Classified, fountainLayout } from "./decorations.js";
import { SceneNavigator } from "./navigator.js";

const FINAL = { 4401: "You are logged out.", 4403: "You no longer have access to this project.",
  4404: "This script is not available.", 4413: "An edit was too large to send.",
  4429: "Too many edits at once; reconnecting.", 4400: "The connection sent something unexpected." };

function status(node, state, text) {
  if (!node) return;
  node.dataset.state = state;
  node.textContent = text;
}

function boot() {
  const root = document.querySelector("[data-script-editor]");
  if (!root) return;
  const data = pageData("script-data");
  const doc = new Y.Doc();
  const ytext = doc.getText("fountain");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const provider = new WebsocketProvider(`${scheme}://${location.host}/ws/scripts`, String(data.script.id), doc, {
    maxBackoffTime: 5000,
  });
  const me = data.me;
  provider.awareness.setLocalStateField("user", { id: me.id, name: me.name, color: me.color, colorLight: `${me.color}33` });
  const undoManager = new Y.UndoManager(ytext);

  const classified = new Classified();
  let view;
  const navigator = new SceneNavigator(root.querySelector("[data-scene-list]"), classified, () => view);
  const state = EditorState.create({
    doc: "",
    extensions: [
      keymap.of([...yUndoManagerKeymap, ...searchKeymap, indentWithTab, ...defaultKeymap]),
      search({ top: true }),
      highlightSelectionMatches(),
      drawSelection(),
      highlightActiveLine(),
      EditorView.lineWrapping,
      EditorView.cspNonce.of(document.querySelector('meta[name="csp-nonce"]')?.content || ""),  // its <style>
      placeholder("INT. LIGHTHOUSE - NIGHT\n\nStart with a scene heading…"),
      EditorState.readOnly.of(!data.can_edit),
      EditorView.editable.of(data.can_edit),
      fountainLayout(classified),
      yCollab(ytext, provider.awareness, { undoManager }),
      EditorView.updateListener.of((u) => {
        if (u.selectionSet || u.docChanged) navigator.follow(u.state.doc.lineAt(u.state.selection.main.head).number - 1);
        if (u.docChanged) counts();
      }),
    ],
  });
  const page = root.querySelector("[data-page]");
  view = new EditorView({ state, parent: page });

  const statusNode = root.querySelector("[data-sync-state]");
  const countNode = root.querySelector("[data-counts]");
  function counts() {
    const text = view.state.doc.toString();
    const words = (text.match(/\S+/g) || []).length;
    const pages = Math.max(1, Math.round(view.state.doc.lines / 55));
    countNode.textContent = `${plural(words, "word")} · about ${plural(pages, "page")}`;
  }

  provider.on("status", ({ status: s }) => {
    if (s === "connected") status(statusNode, "connecting", "Syncing…");
    if (s === "disconnected") status(statusNode, "closed", "Offline: edits are kept and sent when you are back");
  });
  let jumped = false;
  provider.on("sync", (synced) => {
    if (!synced) return;
    status(statusNode, "open", data.can_edit ? "Live" : "Live · read-only");
    root.dataset.synced = "true";
    counts();
    const wanted = Number(new URLSearchParams(location.hash.slice(1)).get("line"));
    if (!jumped && wanted >= 1 && wanted <= view.state.doc.lines) {
      jumped = true;
      const line = view.state.doc.line(wanted);
      view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "start", yMargin: 60 }) });
      view.focus();
    }
  });
  provider.on("connection-close", (event) => {
    const reason = event && FINAL[event.code];
    if (!reason) return;
    if ([4401, 4403, 4404].includes(event.code)) provider.disconnect();
    toast(reason, "error");
    status(statusNode, "closed", reason);
  });

  // who is writing here now, from awareness
  const people = root.querySelector("[data-writers]");
  const drawPeople = () => {
    const seen = new Map();
    for (const [client, st] of provider.awareness.getStates()) {
      if (client !== doc.clientID && st.user) seen.set(st.user.id, st.user);
    }
    people.innerHTML = [...seen.values()]
      .map((u) => `<span class="avatar sm" style="--c:${u.color}" title="${u.name} is in the script">${
        u.name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase()}</span>`)
      .join("");
  };
  provider.awareness.on("change", drawPeople);

  // the revisions drawer
  const drawer = root.querySelector("[data-revisions]");
  const showRevisions = (open) => {
    drawer.hidden = !open;
    root.classList.toggle("with-revisions", open);
    root.querySelectorAll("[data-toggle-revisions]").forEach((b) => b.setAttribute("aria-expanded", String(open)));
  };
  showRevisions(!drawer.hidden);
  root.querySelectorAll("[data-toggle-revisions]").forEach((b) => b.addEventListener("click", () => showRevisions(drawer.hidden)));

  window.studio = { ...(window.studio || {}), script: { doc, ytext, provider, view, undoManager } };
  root.dataset.ready = "true";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();

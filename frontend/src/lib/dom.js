// Small DOM helpers shared by the widgets.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for use inside HTML. */
export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Parse an HTML string into a single element. */
export function el(html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

/** Read a JSON blob that Django's json_script put in the page. */
export function pageData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

export function debounce(fn, ms) {
  let timer;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.flush = (...args) => {
    clearTimeout(timer);
    fn(...args);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

export function formatDuration(seconds) {
  const s = Math.round(seconds * 10) / 10;
  if (s < 60) return `${s.toFixed(s % 1 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return `${m}m ${String(rest).padStart(2, "0")}s`;
}

/** Every message of a refused request (each field's, or the one it has), as one text. */
export function refusalText(error) {
  const fields = Object.values(error.fields || {});
  return fields.length ? fields.join(" ") : error.message;
}

/** Say a refusal beside the button that was pressed (replacing the last one there); ``null`` clears it. */
export function refusalBeside(button, error) {
  const row = button.parentElement;
  let box = row.querySelector(":scope > [data-refusal]");
  if (!error) return box?.remove();
  if (!box) {
    box = document.createElement("p");
    box.className = "gen-error";
    box.setAttribute("role", "alert");
    box.dataset.refusal = "";
    row.append(box);
  }
  box.textContent = refusalText(error);
  return box;
}

/** The form of `word` that `count` takes (shot, shots; person, people), as studio.core.words.noun does. */
export function noun(count, word, many = IRREGULAR[word] ?? `${word}s`) {
  return count === 1 ? word : many;
}

/** "1 shot", "2 shots", "0 shots". */
export function plural(count, word, many) {
  return `${count.toLocaleString()} ${noun(count, word, many)}`;
}

const IRREGULAR = { person: "people" };

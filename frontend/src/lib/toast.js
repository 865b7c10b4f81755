// Short notices at the top of the page. Errors stay longer than confirmations.

function container() {
  let box = document.querySelector(".messages");
  if (!box) {
    box = document.createElement("div");
    box.className = "messages";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    document.body.appendChild(box);
  }
  return box;
}

export function dismiss(node) {
  node.classList.add("leaving");
  setTimeout(() => node.remove(), 220);
}

/** Wire the close button and the timeout of a toast already in the page (Django's messages). */
export function armToast(node) {
  node.querySelector(".close")?.addEventListener("click", () => dismiss(node));
  setTimeout(() => dismiss(node), node.classList.contains("error") ? 10000 : 4500);
}

/** toast("Saved", "success" | "error" | "info") */
export function toast(message, kind = "info") {
  const node = document.createElement("div");
  node.className = `toast ${kind}`;
  const text = document.createElement("span");
  text.textContent = message;
  const close = document.createElement("button");
  close.className = "close";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  node.append(text, close);
  container().appendChild(node);
  armToast(node);
  return node;
}

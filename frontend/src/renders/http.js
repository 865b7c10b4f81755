// Requests of the generation pages: JSON or multipart (files), with the page's CSRF token; errors as ApiError.

import { ApiError } from "../lib/api.js";

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** send("POST", path, {json} | {form}) → the response's JSON; throws ApiError (status 0 when offline). */
export async function send(method, path, { json, form } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  let body;
  if (form) body = form;
  else if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: "same-origin", body });
  } catch {
    throw new ApiError(0, null);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The HTML of one part of the current page (``?part=name``), as a detached element. */
export async function fetchPart(name) {
  const url = new URL(location.href);
  url.search = "";
  url.searchParams.set("part", name);
  const response = await fetch(url, { credentials: "same-origin", headers: { "X-Live-Refresh": "1" } });
  if (!response.ok) throw new ApiError(response.status, null);
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  return holder;
}

// The one HTTP client of the browser: every request of every page goes through `request` here.
// REST calls (`api`): JSON or multipart (FormData) bodies, CSRF, If-Match, readable errors
// (ApiError: status, body, fields; status 0 when the studio can't be reached), 204 → null.
// Server-rendered HTML (`fetchPage`, `fetchPart`): what the live regions and the generation pages refresh.

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body || {};
  }

  /** Field errors as {field: "first message"}. */
  get fields() {
    const out = {};
    for (const [k, v] of Object.entries(this.body)) {
      if (k !== "detail" && Array.isArray(v)) out[k] = String(v[0]);
    }
    return out;
  }
}

function describe(status, body) {
  if (body && typeof body.detail === "string") return body.detail;
  if (body && typeof body === "object") {
    const [field, messages] = Object.entries(body)[0] || [];
    if (field && Array.isArray(messages)) {
      return field === "non_field_errors" ? messages[0] : `${field.replace(/_/g, " ")}: ${messages[0]}`;
    }
  }
  if (status === 0) return "The studio can't be reached. Check your connection.";
  return `The request failed (HTTP ${status}).`;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** The one `fetch`: same-origin credentials, the CSRF token on writes; offline → ApiError(0). */
async function request(method, url, { headers = {}, body } = {}) {
  const all = { ...headers };
  if (method !== "GET") all["X-CSRFToken"] = csrfToken();
  try {
    return await fetch(url, { method, headers: all, credentials: "same-origin", body });
  } catch {
    throw new ApiError(0, null);
  }
}

/**
 * A REST call → the answer's JSON (null for 204). `body` is sent as JSON, or as multipart when it is a
 * FormData (files); `version` becomes `If-Match: "<version>"`. Throws ApiError.
 */
export async function api(method, path, { body, version } = {}) {
  const headers = { Accept: "application/json" };
  let payload;
  if (body instanceof FormData) payload = body; // the browser sets the multipart boundary
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (version !== undefined && version !== null) headers["If-Match"] = `"${version}"`;
  const response = await request(method, path, { headers, body: payload });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Every page of a paginated list. */
export async function apiAll(path) {
  const out = [];
  let url = path;
  while (url) {
    const page = await api("GET", url);
    out.push(...page.results);
    url = page.next;
  }
  return out;
}

/** A server-rendered page (default: this one) as a parsed Document, fetched as a live refresh. Throws ApiError. */
export async function fetchPage(url = location.href) {
  const response = await request("GET", url, { headers: { "X-Live-Refresh": "1" } });
  if (!response.ok) throw new ApiError(response.status, null);
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

/** The HTML of one part of the current page (``?part=name``), as a detached element. Throws ApiError. */
export async function fetchPart(name) {
  const url = new URL(location.href);
  url.search = "";
  url.searchParams.set("part", name);
  const response = await request("GET", url, { headers: { "X-Live-Refresh": "1" } });
  if (!response.ok) throw new ApiError(response.status, null);
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  return holder;
}

// The REST API from the browser: JSON in and out, CSRF, If-Match, readable errors.

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

export async function api(method, path, { body, version } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (version !== undefined && version !== null) headers["If-Match"] = `"${version}"`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
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

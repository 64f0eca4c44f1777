// The only way the app talks to the server: the public REST API of docs/API.md, on the
// page's own origin (the session cookie travels with every call). Answers are envelopes;
// an error answer becomes an ApiError carrying its notices by field.

export class ApiError extends Error {
  constructor(status, body) {
    const { general, byField } = noticesOf(body);
    super(general[0] || Object.values(byField)[0]?.[0] || `The server answered ${status}`);
    this.status = status;
    this.body = body;
    this.general = general;   // messages without a field
    this.byField = byField;   // field name -> messages
  }
}

// Error notices of an envelope, wherever they are keyed (document id or "general").
export function noticesOf(body) {
  const general = [];
  const byField = {};
  const groups = body && typeof body === 'object' && body.notifications;
  if (groups && typeof groups === 'object') {
    for (const group of Object.values(groups)) {
      for (const e of group?.errors || []) {
        if (e.field) (byField[e.field] ||= []).push(e.message);
        else general.push(e.message);
      }
    }
  }
  if (!general.length && body && typeof body.message === 'string' && body.status === 'error') general.push(body.message);
  return { general, byField };
}

let unauthorizedHandler = null;
// Called with the error on every 401, so the app can show its login page.
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// method, path ("/api/user"), query (URLSearchParams or object), body (JSON value),
// headers. Resolves to {body, status, etag}; rejects with ApiError on 4xx/5xx.
export async function call(method, path, { query, body, headers, quiet401 } = {}) {
  let url = path;
  if (query) {
    const q = query instanceof URLSearchParams ? query : new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    const text = q.toString();
    if (text) url += '?' + text;
  }
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let json = null;
  const text = await res.text();
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    if (res.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return { body: json, status: res.status, etag: res.headers.get('ETag') };
}

export const get = (path, query, opts) => call('GET', path, { ...opts, query });

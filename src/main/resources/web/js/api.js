// Client of the public HTTP API (docs/api.md). One place for the bearer token, the 401
// retry and turning `{"error": "..."}` bodies into exceptions a page can show.
import { currentToken, requestToken, usersMode } from './auth.js';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function authHeaders() {
  const t = currentToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

async function errorFrom(res) {
  let body = null;
  let message = `${res.status} ${res.statusText || 'error'}`;
  try {
    body = await res.json();
    if (body && typeof body.error === 'string') message = body.error;
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(res.status, message, body);
}

/** fetch() with the token; on 401 asks for a token (once, shared) and retries. */
export async function apiFetch(path, { method = 'GET', json, signal, headers } = {}) {
  let rejectedBefore = false;
  for (;;) {
    const init = { method, signal, headers: { Accept: 'application/json', ...authHeaders(), ...headers } };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'Cannot reach the server. Is it running?', null);
    }
    if (res.status === 401 && !(usersMode() && rejectedBefore)) {
      const hadToken = !!currentToken();
      const token = await requestToken({ rejected: hadToken || rejectedBefore });
      if (!token) throw await errorFrom(res);
      rejectedBefore = true;
      continue;
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }
}

export async function apiJson(path, opts) {
  const res = await apiFetch(path, opts);
  if (res.status === 204) return null;
  return res.json();
}

const enc = encodeURIComponent;

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  workspaces: (o) => apiJson('/api/workspaces', o),
  tasks: (ws, o) => apiJson(`/api/workspaces/${enc(ws)}/tasks`, o),
  task: (ws, name, o) => apiJson(`/api/workspaces/${enc(ws)}/tasks/${enc(name)}`, o),
  execute: (ws, name, input, sourceJobId) => apiJson(`/api/workspaces/${enc(ws)}/tasks/${enc(name)}/execute`,
    { method: 'POST', json: sourceJobId ? { input, source_job_id: sourceJobId } : { input } }),
  taskStats: (ws, name, limit, o) => apiJson(`/api/workspaces/${enc(ws)}/tasks/${enc(name)}/stats${query({ limit })}`, o),
  allTasks: (o) => apiJson('/api/tasks', o),
  stats: (o) => apiJson('/api/stats', o),
  workers: (o) => apiJson('/api/workers', o),
  worker: (id, o) => apiJson(`/api/workers/${enc(id)}`, o),
  refreshWorkspace: (ws) => apiJson(`/api/workspaces/${enc(ws)}/refresh`, { method: 'POST' }),
  jobs: (params, o) => apiJson(`/api/jobs${query(params)}`, o),
  job: (id, o) => apiJson(`/api/jobs/${enc(id)}`, o),
  cancel: (id) => apiJson(`/api/jobs/${enc(id)}/cancel`, { method: 'POST' }),
  /** A page of a job's log: {logs, next_offset} (offset+limit, or tail). */
  logPage: (id, params, o) => apiJson(`/api/jobs/${enc(id)}/logs${query(params)}`, o),
  /** Positions of the lines containing q, searched on the server over the whole log. */
  logSearch: (id, params, o) => apiJson(`/api/jobs/${enc(id)}/logs/search${query(params)}`, o),
  rawLogUrl: (id, step) => `/api/jobs/${enc(id)}/logs/raw${query({ step })}`,
  /**
   * WebSocket URL. Browsers cannot set headers on a WebSocket, so with auth on the URL carries a
   * single-use ticket valid for seconds (never the token itself, which would end up in logs).
   */
  async streamUrl(id, params) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ticket = currentToken() ? await newTicket() : undefined;
    return `${proto}//${location.host}/api/jobs/${enc(id)}/logs/stream${query({ ...params, ticket })}`;
  },
};

/** A single-use ticket for the next WebSocket or download (POST /api/auth/ticket). */
async function newTicket() {
  const body = await apiJson('/api/auth/ticket', { method: 'POST' });
  return body.ticket;
}

/**
 * A real download link (href stays readable for people and tests). The browser streams the file
 * to disk itself, whatever its size. With a token the click goes to the same URL plus a
 * single-use `ticket=` (the raw endpoint accepts it, as the WebSocket does): a link cannot send an
 * Authorization header, and fetching into a Blob instead would hold a multi-GB log in the tab's memory.
 */
export function downloadLink(url, filename, label, attrs = {}) {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.textContent = label;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'dataset') Object.assign(a.dataset, v); else a.setAttribute(k, v);
  }
  a.addEventListener('click', async (e) => {
    if (!currentToken()) return;
    e.preventDefault();
    const withTicket = new URL(a.href, location.href);
    withTicket.searchParams.set('ticket', await newTicket());
    const tmp = document.createElement('a');
    tmp.href = withTicket.toString();
    tmp.download = filename;
    document.body.appendChild(tmp);
    tmp.click();
    tmp.remove();
  });
  return a;
}

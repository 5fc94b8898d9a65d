// Who the UI acts as. Three kinds of server, told apart by GET /api/config:
// - open: no credentials at all;
// - static API tokens (`auth.api_tokens` only): the token is asked for once and kept in
//   sessionStorage (gone when the tab closes, never in localStorage);
// - users (the original's `auth`): a login page; the access token lives in this page's memory
//   only, the refresh token in an HttpOnly cookie no script can read. A reload or an expired
//   access token is answered by a silent refresh through the cookie.
// A 401 from any call asks once: concurrent 401s share one dialog or refresh.
import { h } from './dom.js';
import { openDialog } from './dialog.js';

const KEY = 'stroem.apiToken';
const COOKIE_MODE = { 'X-Stroem-Refresh': 'cookie' };
let pending = null;
let declined = false;
let memoryToken = '';
let accessToken = '';
let config = null;
let refreshing = null;
const listeners = new Set();

/** GET /api/config once; {auth_required, has_internal_auth, oidc_providers, acl_enabled, version}. */
export async function loadConfig() {
  if (config) return config;
  try {
    const res = await fetch('/api/config', { headers: { Accept: 'application/json' } });
    config = res.ok ? await res.json() : { auth_required: false, oidc_providers: [] };
  } catch {
    config = { auth_required: false, oidc_providers: [] };
  }
  return config;
}

/** True when the server has users (login page, cookie session) rather than static tokens. */
export function usersMode() {
  return !!config && config.auth_required && (config.has_internal_auth || (config.oidc_providers || []).length > 0);
}

export function getToken() {
  try { return sessionStorage.getItem(KEY) || ''; } catch { return ''; }
}

function setToken(t) {
  try {
    if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY);
  } catch { /* storage disabled: the token lives for this page only */ memoryToken = t; }
}

export function currentToken() { return usersMode() ? accessToken : (getToken() || memoryToken); }

export function signedIn() { return !!accessToken; }

/** Called with true/false whenever the user signs in or out. */
export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function setAccess(token) {
  const changed = !!token !== !!accessToken;
  accessToken = token || '';
  if (changed) for (const fn of listeners) fn(!!accessToken);
}

/** A new access token from the session cookie; false when there is no valid session. */
export function refreshSession() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const res = await fetch('/api/auth/refresh', { method: 'POST', headers: { Accept: 'application/json', ...COOKIE_MODE }, credentials: 'same-origin' });
      if (!res.ok) { setAccess(''); return false; }
      setAccess((await res.json()).access_token);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Email and password login; resolves, or rejects with the server's sentence. */
export async function login(email, password) {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...COOKIE_MODE },
    credentials: 'same-origin',
    body: JSON.stringify({ email, password }),
  });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new Error((body && body.error) || `${res.status} ${res.statusText}`);
  setAccess(body.access_token);
}

export async function logout() {
  try {
    await fetch('/api/auth/logout', { method: 'POST', headers: { Accept: 'application/json', ...COOKIE_MODE }, credentials: 'same-origin' });
  } finally {
    setAccess('');
  }
}

/** Where a signed-out user goes: the login page, coming back here afterwards. */
export function goToLogin() {
  const next = location.pathname + location.search;
  if (location.pathname !== '/login') {
    history.pushState(null, '', `/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }
}

/**
 * Resolves with a new token, or null when the user declined. `explicit` re-asks even after a
 * decline (the user pressed "Sign in"). With users, a silent refresh; failing that, the login page.
 */
export function requestToken({ rejected = false, explicit = false } = {}) {
  if (usersMode()) {
    return refreshSession().then((ok) => {
      if (ok) return accessToken;
      goToLogin();
      return null;
    });
  }
  if (pending) return pending;
  if (declined && !explicit) return Promise.resolve(null);
  pending = new Promise((resolve) => {
    let input;
    const { closed } = openDialog({
      title: 'API token required',
      testid: 'token-dialog',
      initialFocus: () => input,
      build(body, close) {
        input = h('input', { id: 'token-input', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false', dataset: { testid: 'token-input' } });
        const form = h('form', { class: 'form', onsubmit: (e) => { e.preventDefault(); const v = input.value.trim(); if (v) close(v); } },
          h('p', null, 'This server requires an API token. It is kept only for this browser tab.'),
          (rejected || getToken()) ? h('p', { class: 'field-error', role: 'alert', dataset: { testid: 'token-error' } }, 'The server rejected the token. Check it and try again.') : null,
          h('div', { class: 'field' }, h('label', { for: 'token-input' }, 'Token'), input),
          h('div', { class: 'form-actions' },
            h('button', { type: 'button', class: 'button', onclick: () => close(null) }, 'Cancel'),
            h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'token-submit' } }, 'Sign in')));
        body.appendChild(form);
      },
    });
    closed.then((value) => {
      pending = null;
      if (value) { declined = false; setToken(value); resolve(value); } else { declined = true; resolve(null); }
    });
  });
  return pending;
}

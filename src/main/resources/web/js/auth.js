// API token handling for servers with `auth` on. The token lives in sessionStorage (gone when
// the tab closes, never in localStorage where other tabs and later visitors would find it).
// A 401 from any call asks once: concurrent 401s share one dialog, and after the user
// dismisses it we stop asking on our own (pollers would otherwise re-open it every 2 s);
// pages then offer a "Sign in" button that asks explicitly.
import { h } from './dom.js';
import { openDialog } from './dialog.js';

const KEY = 'stroem.apiToken';
let pending = null;
let declined = false;

export function getToken() {
  try { return sessionStorage.getItem(KEY) || ''; } catch { return ''; }
}

function setToken(t) {
  try {
    if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY);
  } catch { /* storage disabled: the token lives for this page only */ memoryToken = t; }
}
let memoryToken = '';
export function currentToken() { return getToken() || memoryToken; }

/**
 * Resolves with a new token, or null when the user declined. `explicit` re-asks even after a
 * decline (the user pressed "Sign in").
 */
export function requestToken({ rejected = false, explicit = false } = {}) {
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

// Login page of a server with users: email and password (the internal provider) and a button
// per OIDC provider. `/login?next=/jobs/123` returns there after signing in. `/login/callback`
// is where an OIDC sign-in lands: the server has set the session cookie (or says what failed in
// the fragment), and the page only has to pick the session up.
import { h } from '../dom.js';
import { loadConfig, login, refreshSession } from '../auth.js';
import { navigate } from '../router.js';

function safeNext(query) {
  const next = query.get('next') || '/';
  // Only paths of this site: never an open redirect to another origin.
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function mountLogin(container, _params, query) {
  document.title = 'Sign in · Strøm';
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'login-error' } });
  const email = h('input', { id: 'login-email', type: 'email', autocomplete: 'username', required: true, dataset: { testid: 'login-email' } });
  const password = h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true, dataset: { testid: 'login-password' } });
  const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'login-submit' } }, 'Sign in');
  const internal = h('form', {
    class: 'form', hidden: true, dataset: { testid: 'login-form' },
    onsubmit: async (e) => {
      e.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      try {
        await login(email.value.trim(), password.value);
        navigate(safeNext(query), { replace: true });
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
        password.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'login-email' }, 'Email'), email),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
  h('div', { class: 'form-actions' }, submit));
  const sso = h('div', { class: 'form-actions', dataset: { testid: 'login-sso' } });
  container.append(h('section', { class: 'login-card' }, h('h1', null, 'Sign in to Strøm'), error, internal, sso));

  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('error')) {
    error.textContent = `Single sign-on failed: ${fragment.get('error')}`;
    error.hidden = false;
    history.replaceState(null, '', location.pathname + location.search);
  }
  loadConfig().then((config) => {
    internal.hidden = !config.has_internal_auth;
    for (const p of config.oidc_providers || []) {
      sso.append(h('a', { class: 'button', href: `/api/auth/oidc/${encodeURIComponent(p.id)}`, dataset: { testid: `oidc-${p.id}` } }, `Sign in with ${p.display_name}`));
    }
    if (config.has_internal_auth) email.focus();
  });
}

export function mountLoginCallback(container) {
  document.title = 'Signing in · Strøm';
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('error')) {
    navigate(`/login#error=${encodeURIComponent(fragment.get('error'))}`, { replace: true });
    return;
  }
  container.append(h('p', { class: 'notice loading' }, 'Signing in…'));
  refreshSession().then((ok) => navigate(ok ? '/' : '/login#error=' + encodeURIComponent('no session was started'), { replace: true }));
}

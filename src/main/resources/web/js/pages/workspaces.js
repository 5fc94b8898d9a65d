// Workspaces (/workspaces): each workspace's revision, how many tasks, actions, triggers and
// connections it defines, the errors and warnings found loading its files, and a Refresh button
// that re-reads it from its source now instead of at the next poll.
import { h, clear, notice } from '../dom.js';
import { api } from '../api.js';

export function mountWorkspaces(container) {
  document.title = 'Workspaces · Strøm';
  let alive = true;
  const status = h('p', { class: 'muted small', role: 'status', dataset: { testid: 'workspaces-status' } });
  const body = h('div', null, notice('loading', 'Loading workspaces…'));
  container.append(h('div', { class: 'page-head' }, h('h1', null, 'Workspaces'), status), body);

  async function refresh(ws, button) {
    button.disabled = true;
    status.textContent = `Refreshing ${ws}…`;
    try {
      const res = await api.refreshWorkspace(ws);
      if (!alive) return;
      status.textContent = `Refreshed ${ws}${res?.revision ? ` at revision ${res.revision}` : ''}.`;
      await load();
    } catch (e) {
      if (alive) status.textContent = `Could not refresh ${ws}: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  }

  function card(ws) {
    const errors = Array.isArray(ws.errors) ? ws.errors : [];
    const warnings = Array.isArray(ws.warnings) ? ws.warnings : [];
    const button = h('button', { type: 'button', class: 'button small', dataset: { testid: 'workspace-refresh', workspace: ws.name }, 'aria-label': `Refresh ${ws.name}` }, '↻ Refresh');
    button.addEventListener('click', () => refresh(ws.name, button));
    const count = (n, one, many) => `${n ?? 0} ${(n ?? 0) === 1 ? one : many}`;
    return h('section', { class: 'panel', 'aria-labelledby': `wsp-${ws.name}`, dataset: { testid: 'workspace-card', workspace: ws.name } },
      h('div', { class: 'panel-head' }, h('h2', { id: `wsp-${ws.name}` }, ws.name), button),
      h('dl', { class: 'meta' },
        h('div', null, h('dt', null, 'Revision'), h('dd', { dataset: { testid: 'workspace-revision' } }, ws.revision ? h('code', null, ws.revision) : '—')),
        h('div', null, h('dt', null, 'Contents'), h('dd', { dataset: { testid: 'workspace-counts' } },
          h('a', { href: `/tasks?q=${encodeURIComponent(ws.name)}` }, count(ws.tasks_count, 'task', 'tasks')), ' · ',
          count(ws.actions_count, 'action', 'actions'), ' · ',
          count(ws.triggers_count, 'trigger', 'triggers'), ws.triggers_count && ws.triggers_enabled === false ? ' (disabled)' : '', ' · ',
          count(ws.connections_count, 'connection', 'connections')))),
      ws.error ? notice('error', `Could not load this workspace: ${ws.error}`) : null,
      errors.length ? h('div', { class: 'notice error', role: 'alert', dataset: { testid: 'workspace-errors' } },
        h('strong', null, `⚠ ${errors.length} problem${errors.length === 1 ? '' : 's'} loading this workspace`),
        h('ul', { class: 'error-list' }, errors.map((e) => h('li', { dataset: { testid: 'workspace-error' } },
          h('code', null, [e.file, e.location].filter(Boolean).join(':') || 'workspace'), ' — ', e.message || String(e))))) : null,
      warnings.length ? h('div', { class: 'notice warning', dataset: { testid: 'workspace-warnings' } },
        h('strong', null, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`),
        h('ul', { class: 'error-list' }, warnings.map((w) => h('li', null, String(w))))) : null,
      !errors.length && !ws.error ? h('p', { class: 'muted small', dataset: { testid: 'workspace-ok' } }, '✓ Loaded without errors.') : null);
  }

  async function load() {
    try {
      const wss = await api.workspaces();
      if (!alive) return;
      clear(body);
      if (!wss.length) body.appendChild(notice('empty', 'No workspaces are configured on this server.'));
      for (const ws of wss) body.appendChild(card(ws));
    } catch (e) {
      if (alive) clear(body).appendChild(notice('error', `Could not load workspaces: ${e.message}`));
    }
  }

  load();
  return () => { alive = false; };
}

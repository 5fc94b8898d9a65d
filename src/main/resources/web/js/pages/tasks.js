// Tasks page: every workspace with its tasks grouped by folder, the problems found loading its
// files, a filter (?q=) and a Run button per task; a task's name opens its page. `/tasks?run=<workspace>/<task>` opens a task's Run dialog directly,
// so a "run this" link can be shared.
import { h, clear, notice } from '../dom.js';
import { api, ApiError } from '../api.js';
import { requestToken } from '../auth.js';
import { setQuery } from '../router.js';
import { openRunDialog } from '../run-dialog.js';

export function mountTasks(container, _params, query) {
  document.title = 'Tasks · Strøm';
  let alive = true;
  const filterInput = h('input', { id: 'task-search', type: 'search', placeholder: 'Filter tasks', autocomplete: 'off', value: query.get('q') || '', dataset: { testid: 'task-search' }, oninput: () => applyFilter() });
  const body = h('div', null, notice('loading', 'Loading workspaces…'));
  container.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Tasks'),
      h('div', { class: 'field inline' }, h('label', { class: 'sr-only', for: 'task-search' }, 'Filter tasks'), filterInput)),
    body);

  function applyFilter() {
    const q = filterInput.value.trim().toLowerCase();
    for (const tr of body.querySelectorAll('tr[data-testid="task-row"]')) {
      tr.hidden = q !== '' && !tr.dataset.search.includes(q);
    }
    // A folder heading stays while one of its tasks does.
    for (const head of body.querySelectorAll('tr.folder-row')) {
      let next = head.nextElementSibling;
      let any = false;
      while (next && !next.classList.contains('folder-row')) { any ||= !next.hidden; next = next.nextElementSibling; }
      head.hidden = !any;
    }
  }

  function run(ws, task) {
    setQuery({ run: `${ws}/${task.name}` });
    openRunDialog(ws, task.name, task).then(() => { if (alive && location.pathname === '/tasks') setQuery({}); });
  }

  function taskRow(ws, t) {
    const inputs = Object.entries(t.input || {});
    const required = inputs.filter(([, f]) => f && f.required).length;
    return h('tr', { dataset: { testid: 'task-row', task: t.name, workspace: ws, search: `${t.name} ${t.display_name || ''} ${t.description || ''} ${t.folder || ''}`.toLowerCase() } },
      h('td', null,
        h('a', { class: 'task-name task-link', href: `/tasks/${encodeURIComponent(ws)}/${encodeURIComponent(t.name)}`, dataset: { testid: 'task-link' } }, t.display_name || t.name),
        t.display_name && t.display_name !== t.name ? h('code', { class: 'muted small block' }, t.name) : null,
        t.description ? h('span', { class: 'muted small block' }, t.description) : null),
      h('td', { class: 'col-folder' }, t.folder ? h('code', { class: 'folder' }, `${t.folder}/`) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'col-inputs' }, inputs.length ? `${inputs.length}${required ? ` (${required} required)` : ''}` : h('span', { class: 'muted' }, 'none')),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'button primary small', dataset: { testid: 'run-button', task: t.name, workspace: ws }, 'aria-label': `Run ${t.display_name || t.name}`, onclick: () => run(ws, t) }, '▶ Run'),
        h('a', { class: 'button small', href: `/jobs?workspace=${encodeURIComponent(ws)}&task=${encodeURIComponent(t.name)}`, dataset: { testid: 'task-jobs-link' } }, 'Jobs')));
  }

  function workspaceSection(ws, tasks, tasksError) {
    const errors = Array.isArray(ws.errors) ? ws.errors : [];
    const sorted = [...tasks].sort((a, b) => (a.folder || '').localeCompare(b.folder || '') || a.name.localeCompare(b.name));
    return h('section', { class: 'panel workspace', 'aria-labelledby': `ws-${ws.name}`, dataset: { testid: 'workspace', workspace: ws.name } },
      h('div', { class: 'panel-head' },
        h('h2', { id: `ws-${ws.name}` }, ws.name),
        h('span', { class: 'muted small' }, `${ws.tasks_count ?? tasks.length} tasks · ${ws.actions_count ?? 0} actions`)),
      errors.length ? h('div', { class: 'notice error', role: 'alert', dataset: { testid: 'workspace-errors' } },
        h('strong', null, `⚠ ${errors.length} problem${errors.length === 1 ? '' : 's'} loading this workspace`),
        h('ul', { class: 'error-list' }, errors.map((e) => h('li', { dataset: { testid: 'workspace-error' } },
          h('code', null, [e.file, e.location].filter(Boolean).join(':') || 'workspace'), ' — ', e.message || String(e))))) : null,
      tasksError ? notice('error', `Could not load tasks: ${tasksError.message}`) : null,
      !tasksError && sorted.length === 0 ? notice('empty', 'No tasks in this workspace.') : null,
      sorted.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table tasks-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Task'), h('th', { scope: 'col', class: 'col-folder' }, 'Folder'),
          h('th', { scope: 'col', class: 'col-inputs' }, 'Inputs'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        h('tbody', null, byFolder(sorted).map(([folder, list]) => [
          folder ? h('tr', { class: 'folder-row', dataset: { testid: 'folder-row', folder } },
            h('th', { scope: 'colgroup', colspan: 4 }, h('span', { 'aria-hidden': 'true' }, '📁 '), `${folder}/`)) : null,
          list.map((t) => taskRow(ws.name, t))])))) : null);
  }

  /** Tasks without a folder first, then one group per folder, in name order. */
  function byFolder(sorted) {
    const groups = new Map();
    for (const t of sorted) {
      const f = t.folder || '';
      if (!groups.has(f)) groups.set(f, []);
      groups.get(f).push(t);
    }
    return [...groups.entries()].sort((a, b) => (a[0] === '' ? -1 : b[0] === '' ? 1 : a[0].localeCompare(b[0])));
  }

  async function load() {
    clear(body).appendChild(notice('loading', 'Loading workspaces…'));
    try {
      const wss = await api.workspaces();
      const results = await Promise.all(wss.map(async (ws) => {
        try { return [ws, await api.tasks(ws.name), null]; } catch (e) { return [ws, [], e]; }
      }));
      if (!alive) return;
      clear(body);
      if (!wss.length) body.appendChild(notice('empty', 'No workspaces are configured on this server.'));
      for (const [ws, tasks, err] of results) body.appendChild(workspaceSection(ws, tasks, err));
      applyFilter();
      const want = query.get('run');
      if (want) {
        const cut = want.indexOf('/');
        const wsName = want.slice(0, cut);
        const taskName = want.slice(cut + 1);
        const hit = results.find(([ws]) => ws.name === wsName)?.[1].find((t) => t.name === taskName);
        if (cut > 0) run(wsName, hit || { name: taskName });
      }
    } catch (e) {
      if (!alive) return;
      clear(body);
      const actions = [h('button', { type: 'button', class: 'button small', onclick: load }, 'Retry')];
      if (e instanceof ApiError && e.status === 401) {
        actions.unshift(h('button', { type: 'button', class: 'button small', dataset: { testid: 'token-open' }, onclick: async () => { if (await requestToken({ explicit: true })) load(); } }, 'Sign in'));
      }
      body.appendChild(notice('error', `Could not load workspaces: ${e.message} `, actions));
    }
  }

  load();
  return () => { alive = false; };
}

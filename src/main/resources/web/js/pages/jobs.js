// Jobs page: recent jobs, searchable (job id, task, workspace, source) and filterable by status,
// workspace and task, refreshed every 2 s while the tab is visible. Filters and page live in the
// URL (?q=&status=&workspace=&task=&page=) so a filtered
// view can be bookmarked or shared. Rows are updated in place by job id, so a refresh never
// steals keyboard focus or a text selection.
import { h, clear, setText, notice } from '../dom.js';
import { api, ApiError } from '../api.js';
import { requestToken } from '../auth.js';
import { navigate, setQuery } from '../router.js';
import { startPolling } from '../poller.js';
import { statusBadge, updateBadge } from '../status.js';
import { formatDateTime, formatRelative, formatDuration, durationSecs, formatCount, shortId } from '../format.js';

const PAGE_SIZE = 25;
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];

export function mountJobs(container, _params, query) {
  document.title = 'Jobs · Strøm';
  const state = {
    status: STATUSES.includes(query.get('status')) ? query.get('status') : '',
    workspace: query.get('workspace') || '',
    task: query.get('task') || '',
    q: query.get('q') || '',
    page: Math.max(1, parseInt(query.get('page') || '1', 10) || 1),
  };
  let controller = null;
  let loadedOnce = false;
  const rows = new Map();

  const statusSel = h('select', { id: 'jobs-status', dataset: { testid: 'status-filter' }, onchange: () => { state.status = statusSel.value; state.page = 1; refresh(); } },
    h('option', { value: '' }, 'All statuses'), STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)));
  const taskSel = h('select', { id: 'jobs-task', dataset: { testid: 'task-filter' }, onchange: () => {
    const [ws, t] = taskSel.value ? JSON.parse(taskSel.value) : [wsSel.value, ''];
    state.workspace = ws; state.task = t; state.page = 1; wsSel.value = ws; refresh();
  } }, h('option', { value: '' }, 'All tasks'));
  const wsSel = h('select', { id: 'jobs-ws', dataset: { testid: 'workspace-filter' }, onchange: () => {
    state.workspace = wsSel.value; state.task = ''; state.page = 1; taskSel.value = ''; refresh();
  } }, h('option', { value: '' }, 'All workspaces'));
  if (state.workspace) wsSel.appendChild(h('option', { value: state.workspace, selected: true }, state.workspace));
  let searchTimer = null;
  const searchInput = h('input', { id: 'jobs-search', type: 'search', placeholder: 'Job id, task, workspace, source', autocomplete: 'off', spellcheck: 'false', value: state.q, dataset: { testid: 'jobs-search' },
    oninput: () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => { state.q = searchInput.value.trim(); state.page = 1; refresh(); }, 250); },
    onkeydown: (e) => { if (e.key === 'Enter') { clearTimeout(searchTimer); state.q = searchInput.value.trim(); state.page = 1; refresh(); } } });
  if (state.task) taskSel.appendChild(h('option', { value: JSON.stringify([state.workspace, state.task]), selected: true }, state.task));

  const range = h('p', { class: 'muted', 'aria-live': 'polite', dataset: { testid: 'jobs-range' } });
  const banner = h('div', { class: 'banner-slot' });
  const tbody = h('tbody');
  const table = h('table', { class: 'table jobs-table', dataset: { testid: 'jobs-table' } },
    h('caption', { class: 'sr-only' }, 'Recent jobs, newest first'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Task'),
      h('th', { scope: 'col', class: 'col-id' }, 'Job'),
      h('th', { scope: 'col' }, 'Started'),
      h('th', { scope: 'col' }, 'Duration'),
      h('th', { scope: 'col', class: 'col-source' }, 'Source'))),
    tbody);
  const tableWrap = h('div', { class: 'table-wrap', hidden: true }, table);
  const placeholder = h('div', null, notice('loading', 'Loading jobs…'));
  const prev = h('button', { type: 'button', class: 'button', dataset: { testid: 'jobs-prev' }, onclick: () => { state.page--; refresh(); } }, '← Newer');
  const next = h('button', { type: 'button', class: 'button', dataset: { testid: 'jobs-next' }, onclick: () => { state.page++; refresh(); } }, 'Older →');
  const pageInfo = h('span', { class: 'muted', dataset: { testid: 'jobs-page' } });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages', hidden: true }, prev, pageInfo, next);

  container.append(
    h('div', { class: 'page-head' },
      h('h1', null, 'Jobs'),
      h('a', { class: 'button primary', href: '/tasks' }, '▶ Run a task')),
    h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' },
      h('div', { class: 'field inline grow', role: 'search' }, h('label', { for: 'jobs-search' }, 'Search'), searchInput),
      h('div', { class: 'field inline' }, h('label', { for: 'jobs-status' }, 'Status'), statusSel),
      h('div', { class: 'field inline' }, h('label', { for: 'jobs-ws' }, 'Workspace'), wsSel),
      h('div', { class: 'field inline' }, h('label', { for: 'jobs-task' }, 'Task'), taskSel),
      range),
    banner, placeholder, tableWrap, pager);

  // Task filter options come from the workspaces; a failure here only limits the filter.
  (async () => {
    try {
      const wss = await api.workspaces();
      const groups = await Promise.all(wss.map(async (ws) => {
        try { return [ws.name, await api.tasks(ws.name)]; } catch { return [ws.name, []]; }
      }));
      const wsSelected = wsSel.value;
      clear(wsSel).appendChild(h('option', { value: '' }, 'All workspaces'));
      for (const ws of wss) wsSel.appendChild(h('option', { value: ws.name, selected: ws.name === wsSelected }, ws.name));
      const selected = taskSel.value;
      clear(taskSel).appendChild(h('option', { value: '' }, 'All tasks'));
      let found = !state.task;
      for (const [ws, tasks] of groups) {
        if (!tasks.length) continue;
        taskSel.appendChild(h('optgroup', { label: ws }, tasks.map((t) => {
          const v = JSON.stringify([ws, t.name]);
          if (v === selected) found = true;
          return h('option', { value: v, selected: v === selected }, t.display_name && t.display_name !== t.name ? `${t.display_name} (${t.name})` : t.name);
        })));
      }
      if (!found) taskSel.appendChild(h('option', { value: selected, selected: true }, state.task));
    } catch { /* keep the minimal filter */ }
  })();

  function renderRow(job) {
    let r = rows.get(job.job_id);
    if (!r) {
      const link = h('a', { href: `/jobs/${encodeURIComponent(job.job_id)}`, class: 'task-link' });
      r = {
        badge: statusBadge(job.status, 'job-row-status'),
        link,
        ws: h('span', { class: 'muted small block' }),
        id: h('code', { title: job.job_id }, shortId(job.job_id)),
        started: h('span', { class: 'abs-time' }),
        rel: h('span', { class: 'muted small block' }),
        dur: h('span', { class: 'mono' }),
        source: h('span', { class: 'muted' }),
      };
      r.tr = h('tr', {
        class: 'clickable',
        dataset: { testid: 'job-row', jobId: job.job_id },
        // Whole-row click for mouse users; keyboard users have the link in the task cell.
        onclick: (e) => { if (!e.target.closest('a, button') && !getSelection().toString()) navigate(link.getAttribute('href')); },
      },
      h('td', null, r.badge),
      h('td', null, link, r.ws),
      h('td', { class: 'col-id' }, r.id),
      h('td', null, r.started, r.rel),
      h('td', null, r.dur),
      h('td', { class: 'col-source' }, r.source));
      rows.set(job.job_id, r);
    }
    r.tr.dataset.status = job.status;
    updateBadge(r.badge, job.status);
    setText(r.link, job.task_name);
    setText(r.ws, job.workspace);
    const start = job.started_at || job.created_at;
    setText(r.started, job.started_at ? formatDateTime(start) : `queued ${formatDateTime(job.created_at)}`);
    r.started.title = start || '';
    r.rel.title = formatDateTime(start);
    setText(r.rel, formatRelative(start));
    const d = job.started_at ? durationSecs(job.started_at, job.completed_at, job.completed_at ? job.duration_secs : undefined) : null;
    setText(r.dur, d === null ? '—' : formatDuration(d));
    setText(r.source, [job.source_type, job.source_id].filter(Boolean).join(' · ') || '—');
    return r.tr;
  }

  function showBanner(err) {
    clear(banner);
    if (!err) return;
    const actions = [];
    if (err instanceof ApiError && err.status === 401) {
      actions.push(h('button', { type: 'button', class: 'button small', dataset: { testid: 'token-open' }, onclick: async () => { if (await requestToken({ explicit: true })) poll.now(); } }, 'Sign in'));
    }
    banner.appendChild(notice('error', `Could not load jobs: ${err.message} `, actions));
  }

  async function load() {
    controller = new AbortController();
    const params = { limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE, status: state.status, task_name: state.task, workspace: state.workspace, search: state.q };
    let res;
    try {
      res = await api.jobs(params, { signal: controller.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      showBanner(e);
      if (!loadedOnce) clear(placeholder);
      throw e;
    }
    showBanner(null);
    loadedOnce = true;
    const items = res.items || [];
    const total = typeof res.total === 'number' ? res.total : items.length;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (state.page > pages && total > 0) { state.page = pages; setQuery(urlState()); return load(); }

    const seen = new Set();
    items.forEach((job, k) => {
      seen.add(job.job_id);
      const tr = renderRow(job);
      if (tbody.children[k] !== tr) tbody.insertBefore(tr, tbody.children[k] || null);
    });
    for (const [id, r] of rows) if (!seen.has(id)) { r.tr.remove(); rows.delete(id); }

    clear(placeholder);
    if (items.length === 0) {
      const filtered = state.status || state.task || state.workspace || state.q;
      placeholder.appendChild(notice('empty', filtered ? 'No jobs match these filters. ' : 'No jobs yet. ',
        filtered ? h('button', { type: 'button', class: 'button small', onclick: () => { state.status = ''; state.task = ''; state.workspace = ''; state.q = ''; state.page = 1; statusSel.value = ''; taskSel.value = ''; wsSel.value = ''; searchInput.value = ''; refresh(); } }, 'Clear filters')
          : h('a', { href: '/tasks' }, 'Run a task to start one.')));
    }
    tableWrap.hidden = items.length === 0;
    const first = total === 0 ? 0 : (state.page - 1) * PAGE_SIZE + 1;
    setText(range, total === 0 ? '' : `${formatCount(first)}–${formatCount(first + items.length - 1)} of ${formatCount(total)}`);
    pager.hidden = pages <= 1;
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    setText(pageInfo, `Page ${state.page} of ${pages}`);
  }

  function urlState() {
    return { q: state.q, status: state.status, workspace: state.workspace, task: state.task, page: state.page > 1 ? state.page : '' };
  }

  function refresh() {
    setQuery(urlState());
    controller?.abort(); // a filter change makes the request in flight worthless
    poll.now();
  }

  const poll = startPolling(load, 2000);
  poll.now();
  return () => { poll.stop(); controller?.abort(); clearTimeout(searchTimer); };
}

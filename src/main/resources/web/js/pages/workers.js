// Workers (/workers) and one worker (/workers/{id}): who is connected, what they can run
// (capabilities, tags), when they were last heard from, and the steps they run or ran.
// Both refresh every 5 s while the tab is visible.
import { h, clear, setText, notice } from '../dom.js';
import { api, ApiError } from '../api.js';
import { startPolling } from '../poller.js';
import { statusBadge } from '../status.js';
import { formatDateTime, formatRelative, formatDuration, durationSecs, shortId } from '../format.js';

const chips = (values, testid) => (values && values.length
  ? h('span', { class: 'chips', dataset: { testid } }, values.map((v) => h('span', { class: 'chip' }, v)))
  : h('span', { class: 'muted' }, '—'));

const workerStatus = (s) => h('span', { class: `status worker-${s || 'unknown'}`, dataset: { testid: 'worker-status', status: s || 'unknown' } }, s || 'unknown');

export function mountWorkers(container) {
  document.title = 'Workers · Strøm';
  let alive = true;
  const body = h('div', null, notice('loading', 'Loading workers…'));
  container.append(h('div', { class: 'page-head' }, h('h1', null, 'Workers')), body);

  async function load() {
    let res;
    try {
      res = await api.workers({});
    } catch (e) {
      if (alive) clear(body).appendChild(notice('error', `Could not load workers: ${e.message}`));
      throw e;
    }
    if (!alive) return;
    const items = res.items || [];
    if (!items.length) { clear(body).appendChild(notice('empty', 'No worker has registered yet. Start one with `stroem worker`.')); return; }
    clear(body).appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'table jobs-table', dataset: { testid: 'workers-table' } },
      h('thead', null, h('tr', null, ['Worker', 'Status', 'Capabilities', 'Tags', 'Last heartbeat', 'Version'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, items.map((w) => h('tr', { dataset: { testid: 'worker-row', workerId: w.worker_id } },
        h('td', null, h('a', { class: 'task-link', href: `/workers/${encodeURIComponent(w.worker_id)}` }, w.name || shortId(w.worker_id)),
          h('code', { class: 'muted small block' }, shortId(w.worker_id))),
        h('td', null, workerStatus(w.status)),
        h('td', null, chips(w.capabilities, 'worker-capabilities')),
        h('td', null, chips(w.tags, 'worker-tags')),
        h('td', { title: formatDateTime(w.last_heartbeat) }, formatRelative(w.last_heartbeat) || '—'),
        h('td', { class: 'muted' }, w.version || '—')))))));
  }

  const poll = startPolling(load, 5000);
  poll.now();
  return () => { alive = false; poll.stop(); };
}

export function mountWorker(container, params) {
  const id = params.id;
  document.title = `Worker ${shortId(id)} · Strøm`;
  let alive = true;
  const heading = h('h1', null, `Worker ${shortId(id)}`);
  const body = h('div', null, notice('loading', 'Loading worker…'));
  container.append(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/workers' }, 'Workers'), h('span', { 'aria-hidden': 'true' }, ' › '), shortId(id)),
    h('div', { class: 'page-head' }, heading), body);

  async function load() {
    let w;
    try {
      w = await api.worker(id);
    } catch (e) {
      if (!alive) return;
      clear(body).appendChild(e instanceof ApiError && e.status === 404
        ? notice('error', 'There is no such worker. ', h('a', { href: '/workers' }, 'All workers'))
        : notice('error', `Could not load the worker: ${e.message}`));
      if (e instanceof ApiError && e.status === 404) poll.stop();
      throw e;
    }
    if (!alive) return;
    setText(heading, w.name || shortId(id));
    const steps = w.steps?.items || [];
    const running = steps.filter((s) => s.status === 'running');
    const stepTable = (list, testid) => h('div', { class: 'table-wrap' }, h('table', { class: 'table', dataset: { testid } },
      h('thead', null, h('tr', null, ['Step', 'Job', 'Status', 'Started', 'Duration'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, list.map((s) => h('tr', { dataset: { testid: 'worker-step', jobId: s.job_id, step: s.step_name } },
        h('td', null, h('code', null, s.step_name)),
        h('td', null, h('a', { href: `/jobs/${encodeURIComponent(s.job_id)}` }, s.task_name), h('span', { class: 'muted small block' }, `${s.workspace} · ${shortId(s.job_id)}`)),
        h('td', null, statusBadge(s.status)),
        h('td', { title: formatDateTime(s.started_at) }, formatRelative(s.started_at) || '—'),
        h('td', { class: 'mono' }, s.started_at ? formatDuration(durationSecs(s.started_at, s.completed_at)) : '—'))))));
    clear(body).append(
      h('dl', { class: 'meta', dataset: { testid: 'worker-meta' } },
        h('div', null, h('dt', null, 'Worker ID'), h('dd', null, h('code', null, w.worker_id))),
        h('div', null, h('dt', null, 'Status'), h('dd', null, workerStatus(w.status))),
        h('div', null, h('dt', null, 'Last heartbeat'), h('dd', { dataset: { testid: 'worker-heartbeat' }, title: w.last_heartbeat || '' }, w.last_heartbeat ? `${formatDateTime(w.last_heartbeat)} (${formatRelative(w.last_heartbeat)})` : '—')),
        h('div', null, h('dt', null, 'Registered'), h('dd', null, formatDateTime(w.registered_at) || '—')),
        h('div', null, h('dt', null, 'Version'), h('dd', null, w.version || '—')),
        h('div', null, h('dt', null, 'Capabilities'), h('dd', null, chips(w.capabilities, 'worker-capabilities'))),
        h('div', null, h('dt', null, 'Tags'), h('dd', null, chips(w.tags, 'worker-tags')))),
      h('section', { class: 'panel', 'aria-labelledby': 'w-running-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'w-running-h' }, `Running steps (${running.length})`)),
        running.length ? stepTable(running, 'worker-running-steps') : h('p', { class: 'muted', dataset: { testid: 'worker-idle' } }, 'Nothing running on this worker.')),
      h('section', { class: 'panel', 'aria-labelledby': 'w-recent-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'w-recent-h' }, 'Recent steps'), h('span', { class: 'muted small' }, `${w.steps?.total ?? steps.length} in all`)),
        steps.length ? stepTable(steps, 'worker-recent-steps') : h('p', { class: 'muted' }, 'This worker has not run a step yet.')));
  }

  const poll = startPolling(load, 5000);
  poll.now();
  return () => { alive = false; poll.stop(); };
}

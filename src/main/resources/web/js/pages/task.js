// Task page (/tasks/{workspace}/{task}): what the task does, its input form with a Run button,
// its workflow graph, duration p50/p95 and success rate over recent runs, and those runs.
// Runs refresh every 5 s while the tab is visible; the form is built once and never reset.
import { h, clear, setText, notice } from '../dom.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { startPolling } from '../poller.js';
import { statusBadge } from '../status.js';
import { buildInputForm } from '../input-form.js';
import { WorkflowGraph } from '../graph.js';
import { formatDuration, durationSecs, formatDateTime, formatRelative, shortId } from '../format.js';

const RECENT = 50;
const SHOWN = 10;

export function mountTask(container, params) {
  const { ws, name } = params;
  document.title = `${name} · Strøm`;
  let alive = true;
  const heading = h('h1', null, name);
  const body = h('div', null, notice('loading', 'Loading task…'));
  container.append(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/tasks' }, 'Tasks'),
      h('span', { 'aria-hidden': 'true' }, ' › '), `${ws} › ${name}`),
    h('div', { class: 'page-head' }, heading), body);
  const runs = h('div', { dataset: { testid: 'task-runs' } }, notice('loading', 'Loading runs…'));
  const figures = {
    p50: h('dd', { class: 'mono', dataset: { testid: 'task-p50' } }, '—'),
    p95: h('dd', { class: 'mono', dataset: { testid: 'task-p95' } }, '—'),
    rate: h('dd', { class: 'mono', dataset: { testid: 'task-success-rate' } }, '—'),
    sample: h('span', { class: 'muted small' }),
  };
  let poll = null;

  async function load() {
    let task;
    try {
      task = await api.task(ws, name);
    } catch (e) {
      if (!alive) return;
      clear(body).appendChild(e instanceof ApiError && e.status === 404
        ? notice('error', `There is no task "${name}" in workspace "${ws}". `, h('a', { href: '/tasks' }, 'All tasks'))
        : notice('error', `Could not load the task: ${e.message}`));
      return;
    }
    if (!alive) return;
    document.title = `${task.display_name || task.name} · Strøm`;
    heading.textContent = task.display_name || task.name;
    clear(body).append(
      h('p', { class: 'task-meta muted' }, h('code', null, `${ws}/${task.name}`),
        task.folder ? [' · folder ', h('code', null, task.folder)] : null),
      task.description ? h('p', { class: 'task-description', dataset: { testid: 'task-description' } }, task.description) : null,
      h('div', { class: 'task-layout' },
        h('section', { class: 'panel', 'aria-labelledby': 'run-h' }, h('div', { class: 'panel-head' }, h('h2', { id: 'run-h' }, 'Run')), runForm(task)),
        h('div', { class: 'task-side' },
          h('section', { class: 'panel', 'aria-labelledby': 'flow-h' },
            h('div', { class: 'panel-head' }, h('h2', { id: 'flow-h' }, 'Workflow')), graphOf(task)),
          h('section', { class: 'panel', 'aria-labelledby': 'figures-h' },
            h('div', { class: 'panel-head' }, h('h2', { id: 'figures-h' }, 'Recent runs'), figures.sample),
            h('dl', { class: 'meta figures' },
              h('div', null, h('dt', null, 'Duration p50'), figures.p50),
              h('div', null, h('dt', null, 'Duration p95'), figures.p95),
              h('div', null, h('dt', null, 'Success rate'), figures.rate)),
            runs))));
    poll = startPolling(loadRuns, 5000);
    poll.now();
  }

  function runForm(task) {
    const form = buildInputForm(task.input);
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'run-error' } });
    const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'run-submit' } }, '▶ Run');
    return h('form', {
      class: 'form', novalidate: true, dataset: { testid: 'task-run-form' },
      onsubmit: async (e) => {
        e.preventDefault();
        error.hidden = true;
        const { input, errors } = form.collect();
        if (errors) return;
        submit.disabled = true;
        try {
          const res = await api.execute(ws, task.name, input);
          navigate(`/jobs/${encodeURIComponent(res.job_id)}`);
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
          submit.disabled = false;
        }
      },
    }, form.count ? form.el : h('p', { class: 'muted' }, 'This task takes no input.'), error, h('div', { class: 'form-actions' }, submit));
  }

  function graphOf(task) {
    const graph = new WorkflowGraph({ label: `Steps of ${task.name}` });
    const steps = Object.entries(task.flow || {}).map(([step, f]) => ({
      name: step, depends_on: f.depends_on || [],
      detail: f.action && !f.action.startsWith('_inline:') ? `action ${f.action}` : 'script',
    }));
    graph.setSteps(steps);
    return h('div', { class: 'graph-scroll' }, graph.el);
  }

  async function loadRuns() {
    const [list, stats] = await Promise.all([
      api.jobs({ workspace: ws, task_name: name, limit: RECENT }),
      api.taskStats(ws, name, RECENT).catch(() => null),
    ]);
    if (!alive) return;
    const items = list.items || [];
    const ended = items.filter((j) => ['completed', 'failed', 'cancelled'].includes(j.status));
    const ok = ended.filter((j) => j.status === 'completed').length;
    setText(figures.rate, ended.length ? `${Math.round((ok / ended.length) * 100)}% (${ok} of ${ended.length})` : '—');
    const t = stats?.task;
    setText(figures.p50, t && t.p50_ms != null ? formatDuration(t.p50_ms / 1000) : '—');
    setText(figures.p95, t && t.p95_ms != null ? formatDuration(t.p95_ms / 1000) : '—');
    setText(figures.sample, `last ${RECENT} runs`);
    if (!items.length) { runs.replaceChildren(notice('empty', 'No runs yet.')); return; }
    const rows = items.slice(0, SHOWN).map((j) => h('tr', { dataset: { testid: 'task-run', jobId: j.job_id, status: j.status } },
      h('td', null, statusBadge(j.status)),
      h('td', null, h('a', { href: `/jobs/${encodeURIComponent(j.job_id)}` }, shortId(j.job_id))),
      h('td', { title: formatDateTime(j.started_at || j.created_at) }, formatRelative(j.started_at || j.created_at)),
      h('td', { class: 'mono' }, j.started_at ? formatDuration(durationSecs(j.started_at, j.completed_at, j.duration_secs ?? undefined)) : '—')));
    const table = h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Job'),
        h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Duration'))),
      h('tbody', null, rows)));
    const more = h('p', { class: 'small', hidden: items.length <= SHOWN },
      h('a', { href: `/jobs?workspace=${encodeURIComponent(ws)}&task=${encodeURIComponent(name)}` }, 'All runs of this task'));
    runs.replaceChildren(table, more);
  }

  load();
  return () => { alive = false; poll?.stop(); };
}

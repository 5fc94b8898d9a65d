// Dashboard: jobs per status (GET /api/stats), the running jobs with their step progress, the
// latest failures, and per task a sparkline of its recent durations. Counts and lists refresh
// every 3 s while the tab is visible; the sparklines, which cost one request per task, every 30 s.
import { h, clear, setText, notice } from '../dom.js';
import { api } from '../api.js';
import { startPolling } from '../poller.js';
import { statusBadge } from '../status.js';
import { formatDuration, durationSecs, formatRelative, formatCount, shortId } from '../format.js';
import { sparkline } from '../sparkline.js';

const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];
const RUNNING_SHOWN = 10;
const FAILURES_SHOWN = 8;
const SPARK_RUNS = 20;

const jobHref = (id) => `/jobs/${encodeURIComponent(id)}`;

export function mountDashboard(container) {
  document.title = 'Dashboard · Strøm';
  let alive = true;
  const counts = {};
  const countsEl = h('div', { class: 'stat-cards', dataset: { testid: 'stat-cards' } }, STATUSES.map((s) => {
    counts[s] = h('span', { class: 'stat-count', dataset: { testid: `stat-${s}` } }, '–');
    return h('a', { class: `stat-card stat-${s}`, href: `/jobs?status=${s}`, dataset: { testid: 'stat-card', status: s } },
      counts[s], h('span', { class: 'stat-label' }, statusBadge(s, 'stat-badge')));
  }));
  const running = h('div', { dataset: { testid: 'running-jobs' } }, notice('loading', 'Loading…'));
  const failures = h('div', { dataset: { testid: 'recent-failures' } }, notice('loading', 'Loading…'));
  const trends = h('div', { dataset: { testid: 'task-trends' } }, notice('loading', 'Loading…'));
  const errorSlot = h('div');

  container.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Dashboard'),
      h('div', { class: 'head-actions' }, h('a', { class: 'button', href: '/jobs' }, 'All jobs'), h('a', { class: 'button primary', href: '/tasks' }, '▶ Run a task'))),
    errorSlot,
    h('section', { 'aria-label': 'Jobs by status' }, countsEl),
    h('div', { class: 'dash-grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'dash-running-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'dash-running-h' }, 'Running now'), h('a', { class: 'small', href: '/jobs?status=running' }, 'all running')), running),
      h('section', { class: 'panel', 'aria-labelledby': 'dash-failed-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'dash-failed-h' }, 'Recent failures'), h('a', { class: 'small', href: '/jobs?status=failed' }, 'all failed')), failures)),
    h('section', { class: 'panel', 'aria-labelledby': 'dash-trends-h' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'dash-trends-h' }, 'Task durations'), h('span', { class: 'muted small' }, `last ${SPARK_RUNS} completed runs per task`)), trends));

  async function loadCounts() {
    const [stats, run, failed] = await Promise.all([
      api.stats(),
      api.jobs({ status: 'running', limit: RUNNING_SHOWN }),
      api.jobs({ status: 'failed', limit: FAILURES_SHOWN }),
    ]);
    // Step progress of each running job comes from its detail.
    const details = await Promise.all((run.items || []).map((j) => api.job(j.job_id).catch(() => null)));
    if (!alive) return;
    clear(errorSlot);
    for (const s of STATUSES) setText(counts[s], formatCount(stats[s] ?? 0));
    renderRunning(run, details);
    renderFailures(failed);
  }

  function renderRunning(run, details) {
    const items = run.items || [];
    if (!items.length) { running.replaceChildren(notice('empty', 'Nothing is running.')); return; }
    running.replaceChildren(h('ul', { class: 'dash-list' }, items.map((j, i) => {
      const steps = (details[i]?.steps || []).filter((s) => !s.loop_source);
      const done = steps.filter((s) => ['completed', 'skipped', 'failed', 'cancelled'].includes(s.status)).length;
      const pct = steps.length ? Math.round((done / steps.length) * 100) : 0;
      return h('li', { dataset: { testid: 'running-job', jobId: j.job_id } },
        h('div', { class: 'dash-row' },
          h('a', { href: jobHref(j.job_id), class: 'task-link' }, j.task_name),
          h('span', { class: 'muted small' }, ` ${j.workspace} · ${shortId(j.job_id)}`),
          h('span', { class: 'mono small push' }, formatDuration(durationSecs(j.started_at, null)))),
        h('div', { class: 'progress', role: 'progressbar', 'aria-label': `${j.task_name} progress`, 'aria-valuemin': '0', 'aria-valuemax': String(steps.length || 1), 'aria-valuenow': String(done), 'aria-valuetext': `${done} of ${steps.length} steps done`, dataset: { testid: 'job-progress' } },
          h('span', { class: 'progress-bar', style: { width: `${pct}%` } })),
        h('span', { class: 'muted small' }, `${done} of ${steps.length} steps done`));
    })));
  }

  function renderFailures(failed) {
    const items = failed.items || [];
    if (!items.length) { failures.replaceChildren(notice('empty', 'No failed jobs.')); return; }
    failures.replaceChildren(h('ul', { class: 'dash-list' }, items.map((j) => h('li', { dataset: { testid: 'failed-job', jobId: j.job_id } },
      h('div', { class: 'dash-row' },
        h('a', { href: jobHref(j.job_id), class: 'task-link' }, j.task_name),
        h('span', { class: 'muted small' }, ` ${j.workspace} · ${shortId(j.job_id)}`),
        h('span', { class: 'muted small push', title: j.completed_at || '' }, formatRelative(j.completed_at || j.created_at))),
      j.error_message ? h('span', { class: 'step-error small block' }, j.error_message) : null))));
  }

  async function loadTrends() {
    const tasks = await api.allTasks();
    const stats = await Promise.all(tasks.map((t) => api.taskStats(t.workspace, t.name, SPARK_RUNS).catch(() => null)));
    if (!alive) return;
    const rows = tasks.map((t, i) => [t, stats[i]]).filter(([, st]) => st && st.task && st.task.sample_size > 0);
    if (!rows.length) { trends.replaceChildren(notice('empty', 'No task has completed a run yet.')); return; }
    trends.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table trends-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Task'), h('th', { scope: 'col' }, 'Recent runs'),
        h('th', { scope: 'col' }, 'p50'), h('th', { scope: 'col' }, 'p95'))),
      h('tbody', null, rows.map(([t, st]) => {
        const recent = (st.task.recent || []).slice(0, SPARK_RUNS).reverse().map((r) => r.duration_ms / 1000);
        return h('tr', { dataset: { testid: 'task-trend', task: t.name, workspace: t.workspace } },
          h('td', null, h('a', { href: `/tasks/${encodeURIComponent(t.workspace)}/${encodeURIComponent(t.name)}`, class: 'task-link' }, t.display_name || t.name),
            h('span', { class: 'muted small block' }, t.workspace)),
          h('td', null, sparkline(recent, { label: `Durations of ${t.name}` })),
          h('td', { class: 'mono' }, formatDuration(st.task.p50_ms / 1000)),
          h('td', { class: 'mono' }, formatDuration(st.task.p95_ms / 1000)));
      })))));
  }

  const showError = (e) => {
    if (!alive) return;
    clear(errorSlot).appendChild(notice('error', `Could not load the dashboard: ${e.message}`));
    throw e;
  };
  const poll = startPolling(() => loadCounts().catch(showError), 3000);
  const trendPoll = startPolling(() => loadTrends().catch(showError), 30000);
  poll.now();
  trendPoll.now();
  return () => { alive = false; poll.stop(); trendPoll.stop(); };
}

// Job detail page: header (status, times, archive state), steps, hook jobs, the Server
// Events panel and the live log viewer. The job itself is polled (2 s while it runs, 5 s
// after, for the archive state and hook jobs); the logs come over their WebSockets.
import { h, append, clear, setText, notice } from '../dom.js';
import { api, ApiError, downloadLink } from '../api.js';
import { requestToken } from '../auth.js';
import { openDialog } from '../dialog.js';
import { startPolling } from '../poller.js';
import { statusBadge, updateBadge, TERMINAL_JOB } from '../status.js';
import { formatDateTime, formatDuration, durationSecs, shortId } from '../format.js';
import { LogViewer } from '../logs/log-viewer.js';
import { ServerEventsPanel } from '../logs/server-events.js';

export function mountJobDetail(container, params) {
  const jobId = params.id;
  document.title = `Job ${shortId(jobId)} · Strøm`;
  let alive = true;
  let job = null;
  let built = null; // elements that are updated in place
  let viewer = null;
  let events = null;
  let ticker = null;

  const heading = h('h1', null, `Job ${shortId(jobId)}`);
  const body = h('div', null, notice('loading', 'Loading job…'));
  container.append(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, 'Jobs'), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { class: 'crumb-task' }, shortId(jobId))),
    body);
  body.prepend(heading);

  const poll = startPolling(load, () => (job && TERMINAL_JOB.has(job.status) ? 5000 : 2000));
  poll.now();

  async function load() {
    try {
      const j = await api.job(jobId);
      if (!alive) return;
      job = j;
      if (!built) build(); else update();
    } catch (e) {
      if (!alive) return;
      if (!built) showError(e);
      else setText(built.refreshNote, `Could not refresh: ${e.message}`);
      if (e instanceof ApiError && e.status === 404) poll.stop();
      throw e;
    }
  }

  function showError(e) {
    clear(body);
    body.appendChild(heading);
    if (e instanceof ApiError && e.status === 404) {
      body.appendChild(notice('error', 'This job does not exist (or was removed by retention). ', h('a', { href: '/' }, 'Back to jobs')));
      return;
    }
    const actions = [h('button', { type: 'button', class: 'button small', onclick: () => poll.now() }, 'Retry')];
    if (e instanceof ApiError && e.status === 401) {
      actions.unshift(h('button', { type: 'button', class: 'button small', dataset: { testid: 'token-open' }, onclick: async () => { if (await requestToken({ explicit: true })) poll.now(); } }, 'Sign in'));
    }
    body.appendChild(notice('error', `Could not load the job: ${e.message} `, actions));
  }

  function build() {
    clear(body);
    document.title = `${job.task_name} ${shortId(jobId)} · Strøm`;
    container.querySelector('.crumb-task').textContent = `${job.task_name} · ${shortId(jobId)}`;
    const b = {};
    built = b;
    b.status = statusBadge(job.status, 'job-status');
    b.cancelBtn = h('button', { type: 'button', class: 'button danger', dataset: { testid: 'cancel-button' }, onclick: confirmCancel }, '⊘ Cancel job');
    b.cancelError = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'cancel-error' } });
    heading.textContent = job.task_name;
    b.created = h('dd');
    b.started = h('dd');
    b.completed = h('dd');
    b.duration = h('dd', { class: 'mono', dataset: { testid: 'job-duration' } });
    b.archive = h('dd', { dataset: { testid: 'archive-state' } });
    b.error = h('div', { class: 'notice error', role: 'alert', hidden: true, dataset: { testid: 'job-error' } });
    b.cancelledBy = h('dd');
    b.cancelledByRow = h('div', { hidden: true }, h('dt', null, 'Cancelled by'), b.cancelledBy);
    b.refreshNote = h('span', { class: 'muted small', 'aria-live': 'polite' });
    b.stepsBody = h('tbody');
    b.stepRows = new Map();
    b.hooks = h('div', { class: 'panel', hidden: true, dataset: { testid: 'hook-jobs' } });

    viewer = new LogViewer({ jobId, onEnd: () => poll.now() });
    events = new ServerEventsPanel({ jobId });

    const meta = h('dl', { class: 'meta' },
      h('div', null, h('dt', null, 'Job ID'), h('dd', null, h('code', { dataset: { testid: 'job-id' } }, jobId))),
      h('div', null, h('dt', null, 'Workspace'), h('dd', null, job.workspace)),
      h('div', null, h('dt', null, 'Source'), h('dd', null, [job.source_type, job.source_id].filter(Boolean).join(' · ') || '—')),
      h('div', null, h('dt', null, 'Created'), b.created),
      h('div', null, h('dt', null, 'Started'), b.started),
      h('div', null, h('dt', null, 'Finished'), b.completed),
      h('div', null, h('dt', null, 'Duration'), b.duration),
      h('div', null, h('dt', null, 'Log archive'), b.archive),
      b.cancelledByRow);

    const input = job.input && Object.keys(job.input).length
      ? h('details', { class: 'input-details', open: true }, h('summary', null, 'Input'), h('pre', { class: 'code-block', dataset: { testid: 'job-input' } }, JSON.stringify(job.input, null, 2)))
      : null;

    const stepsPanel = h('section', { class: 'panel steps', 'aria-labelledby': 'steps-h' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'steps-h' }, 'Steps'), h('span', { class: 'muted small' }, 'select one to filter the log')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table steps-table', dataset: { testid: 'steps-table' } },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Time'),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Raw log')))),
        b.stepsBody)));

    // The log is the point of this page: on wide screens it takes the main column at full
    // height and everything else sits in a sidebar; on narrow ones the sidebar comes first.
    append(body, [
      h('header', { class: 'job-header', dataset: { testid: 'job-header' } },
        h('div', { class: 'job-title' }, heading, b.status),
        h('div', { class: 'job-actions' }, b.refreshNote, b.cancelBtn)),
      b.cancelError,
      b.error,
      meta,
      h('div', { class: 'detail-layout' },
        h('aside', { class: 'detail-side', 'aria-label': 'Steps and events' },
          stepsPanel, events.el, b.hooks,
          input ? h('section', { class: 'panel', 'aria-label': 'Input' }, input) : null),
        h('section', { class: 'panel log-panel', 'aria-labelledby': 'log-h' },
          h('div', { class: 'panel-head' }, h('h2', { id: 'log-h' }, 'Log')),
          viewer.el))]);
    heading.tabIndex = -1;
    update();
    viewer.start();
    events.start();
    ticker = setInterval(tickDuration, 1000);
  }

  function tickDuration() {
    if (!job || !built) return;
    setText(built.duration, job.started_at ? formatDuration(durationSecs(job.started_at, job.completed_at, job.completed_at ? job.duration_secs : undefined)) : '—');
  }

  function update() {
    const b = built;
    updateBadge(b.status, job.status);
    const terminal = TERMINAL_JOB.has(job.status);
    b.cancelBtn.hidden = terminal;
    setText(b.created, formatDateTime(job.created_at) || '—');
    b.created.title = job.created_at || '';
    setText(b.started, formatDateTime(job.started_at) || '—');
    b.started.title = job.started_at || '';
    setText(b.completed, formatDateTime(job.completed_at) || '—');
    b.completed.title = job.completed_at || '';
    tickDuration();
    b.cancelledByRow.hidden = !job.cancelled_by;
    setText(b.cancelledBy, job.cancelled_by || '');
    b.error.hidden = !job.error_message;
    setText(b.error, job.error_message ? `Error: ${job.error_message}` : '');
    renderArchive(b.archive, job.archive, terminal);
    renderSteps();
    renderHooks();
    setText(b.refreshNote, '');
    viewer.setSteps((job.steps || []).map((s) => s.step_name));
  }

  function renderArchive(el, a, terminal) {
    const state = a?.state || (terminal ? 'none' : 'running');
    if (el.dataset.state === state && el.dataset.sig === JSON.stringify(a || null)) return;
    el.dataset.state = state;
    el.dataset.sig = JSON.stringify(a || null);
    clear(el);
    if (!a) {
      el.appendChild(h('span', { class: 'muted' }, terminal ? '— (no archive configured)' : 'after the job ends'));
    } else if (a.state === 'archived') {
      append(el, [h('span', { class: 'archive archived' }, '✓ Archived'), a.archived_at ? ` ${formatDateTime(a.archived_at)}` : '',
        a.key ? h('code', { class: 'break block small', dataset: { testid: 'archive-key' } }, a.key) : null]);
    } else if (a.state === 'failing') {
      append(el, [h('span', { class: 'archive failing' }, `⚠ Upload failing (attempt ${a.attempts ?? '?'})`),
        a.last_error ? h('span', { class: 'block small', dataset: { testid: 'archive-error' } }, a.last_error) : null]);
    } else {
      append(el, [h('span', { class: 'archive pending' }, '◷ Upload pending'), a.attempts ? ` (attempt ${a.attempts})` : '']);
    }
  }

  function renderSteps() {
    const b = built;
    const steps = job.steps || [];
    if (!steps.length && !b.stepsBody.children.length) {
      b.stepsBody.appendChild(h('tr', { class: 'empty-row' }, h('td', { colspan: 4, class: 'muted' }, 'No steps.')));
    }
    steps.forEach((s, k) => {
      let r = b.stepRows.get(s.step_name);
      if (!r) {
        r = {
          badge: statusBadge(s.status, 'step-status'),
          dur: h('span', { class: 'mono' }),
          exit: h('span', { class: 'mono small block', dataset: { testid: 'step-exit' } }),
          err: h('span', { class: 'step-error small block', dataset: { testid: 'step-error' } }),
        };
        const name = h('button', { type: 'button', class: 'linklike', title: 'Show only this step in the log', dataset: { testid: 'step-filter-button' }, onclick: () => { viewer.setStepFilter(s.step_name); viewer.el.scrollIntoView({ block: 'nearest' }); } }, s.step_name);
        r.tr = h('tr', { dataset: { testid: 'step-row', step: s.step_name } },
          h('td', null, name, s.action_name ? h('span', { class: 'muted small block' }, s.action_name) : null, r.err),
          h('td', null, r.badge),
          h('td', null, r.dur, r.exit),
          h('td', null, downloadLink(api.rawLogUrl(jobId, s.step_name), `${jobId}-${s.step_name}.jsonl`, 'Raw', { class: 'small', 'aria-label': `Raw log of ${s.step_name}`, dataset: { testid: 'step-download' } })));
        b.stepRows.set(s.step_name, r);
        b.stepsBody.querySelector('.empty-row')?.remove();
      }
      r.tr.dataset.status = s.status;
      updateBadge(r.badge, s.status);
      const d = s.started_at ? durationSecs(s.started_at, s.completed_at) : null;
      setText(r.dur, d === null ? '—' : formatDuration(d));
      setText(r.exit, s.exit_code === null || s.exit_code === undefined ? '' : `exit ${s.exit_code}`);
      setText(r.err, s.error_message || '');
      if (b.stepsBody.children[k] !== r.tr) b.stepsBody.insertBefore(r.tr, b.stepsBody.children[k] || null);
    });
  }

  function renderHooks() {
    const hooks = job.hook_jobs || [];
    const el = built.hooks;
    el.hidden = hooks.length === 0;
    const sig = JSON.stringify(hooks.map((j) => [j.job_id, j.status]));
    if (el.dataset.sig === sig) return;
    el.dataset.sig = sig;
    clear(el).append(
      h('div', { class: 'panel-head' }, h('h2', null, 'Hook jobs')),
      h('ul', { class: 'hook-list' }, hooks.map((j) => h('li', null,
        statusBadge(j.status),
        ' ',
        h('a', { href: `/jobs/${encodeURIComponent(j.job_id)}`, dataset: { testid: 'hook-job-link', jobId: j.job_id } }, j.task_name || shortId(j.job_id)),
        h('span', { class: 'muted small' }, ` ${shortId(j.job_id)} · ${formatDateTime(j.created_at)}`)))));
  }

  function confirmCancel() {
    const b = built;
    openDialog({
      title: 'Cancel this job?',
      testid: 'cancel-dialog',
      initialFocus: '[data-testid="cancel-keep"]',
      build(dbody, close) {
        dbody.append(
          h('p', null, 'Running steps are stopped and pending steps will not start. Hooks for cancelled jobs still run.'),
          h('div', { class: 'form-actions' },
            h('button', { type: 'button', class: 'button', dataset: { testid: 'cancel-keep' }, onclick: () => close() }, 'Keep running'),
            h('button', { type: 'button', class: 'button danger', dataset: { testid: 'cancel-confirm' }, onclick: () => close(true) }, '⊘ Cancel job')));
      },
    }).closed.then(async (yes) => {
      if (!yes) return;
      b.cancelBtn.disabled = true;
      b.cancelError.hidden = true;
      try {
        await api.cancel(jobId);
      } catch (e) {
        b.cancelError.textContent = `Could not cancel: ${e.message}`;
        b.cancelError.hidden = false;
      }
      b.cancelBtn.disabled = false;
      poll.now();
    });
  }

  return () => {
    alive = false;
    poll.stop();
    clearInterval(ticker);
    viewer?.destroy();
    events?.destroy();
  };
}

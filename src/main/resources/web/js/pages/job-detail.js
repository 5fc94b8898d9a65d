// Job detail page: header (status, times, archive state), steps, hook jobs, the Server
// Events panel and the live log viewer. The job itself is polled (2 s while it runs, 5 s
// after, for the archive state and hook jobs); the logs come over their WebSockets.
import { h, append, clear, setText, notice } from '../dom.js';
import { api, apiJson, ApiError, downloadLink } from '../api.js';
import { requestToken } from '../auth.js';
import { openDialog } from '../dialog.js';
import { startPolling } from '../poller.js';
import { statusBadge, updateBadge, TERMINAL_JOB } from '../status.js';

const TERMINAL_STEP = new Set(['completed', 'failed', 'cancelled', 'skipped']);
import { formatDateTime, formatDuration, durationSecs, shortId } from '../format.js';
import { LogViewer } from '../logs/log-viewer.js';
import { ServerEventsPanel } from '../logs/server-events.js';
import { WorkflowGraph } from '../graph.js';
import { openRunDialog } from '../run-dialog.js';
import { jsonBlock } from '../json-view.js';

export function mountJobDetail(container, params) {
  const jobId = params.id;
  document.title = `Job ${shortId(jobId)} · Strøm`;
  let alive = true;
  let job = null;
  let built = null; // elements that are updated in place
  let viewer = null;
  let events = null;
  let ticker = null;
  let selected = null; // the step whose log, input and output are shown (null: the whole job)
  let tab = 'logs';
  let artifactsLoaded = false; // the Artifacts panel is filled once, when the job has ended
  let expected = undefined; // the task's p50 duration in seconds, for the ETA badge (null: unknown)

  const heading = h('h1', null, `Job ${shortId(jobId)}`);
  const body = h('div', null, notice('loading', 'Loading job…'));
  container.append(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/jobs' }, 'Jobs'), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { class: 'crumb-task' }, shortId(jobId))),
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
      body.appendChild(notice('error', 'This job does not exist (or was removed by retention). ', h('a', { href: '/jobs' }, 'Back to jobs')));
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
    b.rerunBtn = h('button', { type: 'button', class: 'button', dataset: { testid: 'rerun-button' }, onclick: rerun }, '↻ Re-run');
    b.lineage = h('p', { class: 'lineage muted small', hidden: true, dataset: { testid: 'lineage' } });
    b.eta = h('span', { class: 'eta-badge', hidden: true, dataset: { testid: 'eta' } });
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

    viewer = new LogViewer({ jobId, onEnd: () => poll.now(), onStepFilter: (name) => selectStep(name, { fromViewer: true }) });
    b.graph = new WorkflowGraph({ label: 'Workflow steps', onSelect: (name) => selectStep(selected === name ? null : name) });
    b.outputCard = h('section', { class: 'panel', 'aria-labelledby': 'job-output-h', hidden: true, dataset: { testid: 'job-output-card' } },
      h('div', { class: 'panel-head' }, h('h2', { id: 'job-output-h' }, 'Job output')),
      b.outputBody = h('div'));
    b.artifacts = h('section', { class: 'panel', 'aria-labelledby': 'job-artifacts-h', hidden: true, dataset: { testid: 'job-artifacts' } },
      h('div', { class: 'panel-head' }, h('h2', { id: 'job-artifacts-h' }, 'Artifacts')),
      b.artifactsBody = h('ul', { class: 'artifact-list' }));
    b.tabs = stepTabs();
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
        h('div', { class: 'job-title' }, heading, b.status, b.eta),
        h('div', { class: 'job-actions' }, b.refreshNote, b.rerunBtn, b.cancelBtn)),
      b.lineage,
      b.cancelError,
      b.error,
      meta,
      h('section', { class: 'panel graph-panel', 'aria-labelledby': 'graph-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'graph-h' }, 'Workflow'),
          h('span', { class: 'muted small' }, 'select a step for its log, input and output')),
        h('div', { class: 'graph-scroll' }, b.graph.el)),
      h('div', { class: 'detail-layout' },
        h('aside', { class: 'detail-side', 'aria-label': 'Steps and events' },
          b.outputCard, b.artifacts, stepsPanel, events.el, b.hooks,
          input ? h('section', { class: 'panel', 'aria-label': 'Input' }, input) : null),
        h('section', { class: 'panel log-panel', 'aria-labelledby': 'log-h' },
          h('div', { class: 'panel-head' }, h('h2', { id: 'log-h', dataset: { testid: 'step-panel-title' } }, 'All steps'), b.tabs.list),
          b.tabs.logs, b.tabs.input, b.tabs.output))]);
    heading.tabIndex = -1;
    update();
    viewer.start();
    events.start();
    ticker = setInterval(tickDuration, 1000);
  }

  function tickDuration() {
    if (!job || !built) return;
    renderEta();
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
    renderGraph();
    renderTabs();
    renderOutput();
    renderArtifacts();
    renderLineage();
    renderEta();
    b.rerunBtn.hidden = !terminal;
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
        const name = h('button', { type: 'button', class: 'linklike', title: 'Show only this step in the log', dataset: { testid: 'step-filter-button' }, onclick: () => { selectStep(s.step_name); viewer.el.scrollIntoView({ block: 'nearest' }); } }, s.step_name);
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

  /** Logs / Input / Output of the selected step (or of the whole job). Arrow keys move between tabs. */
  function stepTabs() {
    const names = [['logs', 'Logs'], ['input', 'Input'], ['output', 'Output']];
    const t = { buttons: {} };
    for (const [key, label] of names) {
      t.buttons[key] = h('button', {
        type: 'button', role: 'tab', id: `tab-${key}`, 'aria-controls': `tabpanel-${key}`,
        class: 'tab', dataset: { testid: `tab-${key}` },
        onclick: () => showTab(key),
        onkeydown: (e) => {
          const i = names.findIndex(([k]) => k === key);
          const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
          if (to === null) return;
          e.preventDefault();
          const next = names[(to + names.length) % names.length][0];
          showTab(next);
          t.buttons[next].focus();
        },
      }, label);
    }
    t.list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Step details' }, Object.values(t.buttons));
    const panel = (key, ...children) => h('div', { role: 'tabpanel', id: `tabpanel-${key}`, 'aria-labelledby': `tab-${key}`, class: 'tabpanel', dataset: { testid: `tabpanel-${key}` } }, ...children);
    t.logs = panel('logs', viewer.el);
    t.inputBody = h('div');
    t.outputBody = h('div');
    t.input = panel('input', t.inputBody);
    t.output = panel('output', t.outputBody);
    t.input.tabIndex = 0;
    t.output.tabIndex = 0;
    return t;
  }

  function showTab(key) {
    tab = key;
    const t = built.tabs;
    for (const [k, btn] of Object.entries(t.buttons)) {
      const on = k === key;
      btn.setAttribute('aria-selected', String(on));
      btn.tabIndex = on ? 0 : -1;
      t[k].hidden = !on;
    }
    renderTabs();
  }

  function selectStep(name, { fromViewer = false } = {}) {
    selected = name || null;
    if (!fromViewer) viewer.setStepFilter(selected);
    built.graph.select(selected);
    for (const [n, r] of built.stepRows) r.tr.classList.toggle('selected', n === selected);
    setText(container.querySelector('[data-testid="step-panel-title"]'), selected ? `Step ${selected}` : 'All steps');
    renderTabs();
  }

  function renderGraph() {
    const steps = job.steps || [];
    const instances = steps.filter((s) => s.loop_source);
    built.graph.setSteps(steps.filter((s) => !s.loop_source).map((s) => {
      const mine = instances.filter((i) => i.loop_source === s.step_name);
      let detail = '';
      if (s.for_each_expr || mine.length) {
        const done = mine.filter((i) => i.status === 'completed').length;
        detail = `${done}/${s.loop_total ?? mine.length} items`;
      } else if (s.skip_reason) detail = s.skip_reason.replace('_', ' ');
      else if (s.retry_attempt > 0) detail = `attempt ${s.retry_attempt + 1}`;
      else if (s.started_at) detail = formatDuration(durationSecs(s.started_at, s.completed_at));
      return { name: s.step_name, depends_on: s.depends_on || [], status: s.status, detail };
    }));
  }

  function renderTabs() {
    const t = built.tabs;
    if (!t.buttons.logs.hasAttribute('aria-selected')) { showTab(tab); return; }
    const step = selected ? (job.steps || []).find((s) => s.step_name === selected) : null;
    const inputValue = step ? step.input : job.input;
    const outputValue = step ? step.output : job.output;
    fill(t.inputBody, inputValue, step
      ? (step.started_at ? 'This step has no input.' : 'Resolved when the step starts.')
      : 'This job has no input.', 'step-input');
    fill(t.outputBody, outputValue, step
      ? (TERMINAL_STEP.has(step.status) ? 'This step printed no OUTPUT: line.' : 'Available when the step completes.')
      : (TERMINAL_JOB.has(job.status) ? 'This job produced no output.' : 'Available when the job completes.'), 'step-output');
  }

  function fill(el, value, emptyText, testid) {
    const empty = value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);
    const sig = JSON.stringify([value ?? null, emptyText]);
    if (el.dataset.sig === sig) return;
    el.dataset.sig = sig;
    el.replaceChildren(empty ? h('p', { class: 'muted', dataset: { testid: `${testid}-empty` } }, emptyText) : jsonBlock(value, testid));
  }

  function renderOutput() {
    const out = job.output;
    const terminal = TERMINAL_JOB.has(job.status);
    built.outputCard.hidden = !terminal;
    fill(built.outputBody, out, 'This job produced no output.', 'job-output');
  }

  /** Files the job's steps produced (GET /api/jobs/{id}/artifacts), once it has ended; downloads go through a ticket. */
  async function renderArtifacts() {
    if (artifactsLoaded || !TERMINAL_JOB.has(job.status)) return;
    artifactsLoaded = true;
    let list;
    try {
      list = await apiJson(`/api/jobs/${encodeURIComponent(jobId)}/artifacts`);
    } catch {
      artifactsLoaded = false; // no artifacts on this server, or not now: try again on the next update
      return;
    }
    if (!alive || !Array.isArray(list) || list.length === 0) return;
    clear(built.artifactsBody);
    for (const a of list) {
      const path = `/api/jobs/${encodeURIComponent(jobId)}/artifacts/${a.name.split('/').map(encodeURIComponent).join('/')}`;
      const file = a.name.split('/').pop();
      append(built.artifactsBody, [h('li', { dataset: { testid: 'artifact' } },
        downloadLink(path, file, a.name, { dataset: { testid: `artifact-${a.name}` } }),
        h('span', { class: 'muted small' }, ` ${formatBytes(a.size_bytes)} · ${a.step_name}`))]);
    }
    built.artifacts.hidden = false;
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
  }

  function renderLineage() {
    const el = built.lineage;
    const links = [];
    if (job.source_job_id) links.push(['Re-run of', job.source_job_id, 'rerun-of']);
    if (job.retry_of_job_id) links.push(['Retry of', job.retry_of_job_id, 'retry-of']);
    const sig = JSON.stringify(links);
    if (el.dataset.sig === sig) return;
    el.dataset.sig = sig;
    el.hidden = links.length === 0;
    el.replaceChildren(...links.flatMap(([label, id, testid], i) => [i ? ' · ' : '', `${label} `,
      h('a', { href: `/jobs/${encodeURIComponent(id)}`, dataset: { testid } }, `job ${shortId(id)}`)]));
  }

  /** Running jobs: time left from the task's median duration, or how far past it the job is. */
  function renderEta() {
    const el = built.eta;
    if (job.status !== 'running' || !job.started_at) { el.hidden = true; return; }
    if (expected === undefined) {
      expected = null;
      api.taskStats(job.workspace, job.task_name).then((st) => {
        const p50 = st?.task?.p50_ms;
        expected = typeof p50 === 'number' ? p50 / 1000 : null;
        if (alive && built) renderEta();
      }).catch(() => {});
      return;
    }
    if (expected === null) { el.hidden = true; return; }
    const elapsed = durationSecs(job.started_at, null);
    const left = expected - elapsed;
    el.hidden = false;
    el.className = `eta-badge${left < 0 ? ' overrun' : ''}`;
    setText(el, left >= 0 ? `about ${formatDuration(Math.max(1, left))} left` : `${formatDuration(-left)} over the usual ${formatDuration(expected)}`);
  }

  function rerun() {
    openRunDialog(job.workspace, job.task_name, { display_name: job.task_name }, { values: job.input || {}, sourceJobId: jobId });
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

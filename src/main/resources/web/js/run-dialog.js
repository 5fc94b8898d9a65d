// The Run dialog: loads the task's input schema, shows the generated form, starts the job
// and opens it. Server-side refusals (400 naming a field, 404, 401 …) show their message in
// the dialog; nothing is lost from the form.
import { h, clear, notice } from './dom.js';
import { api } from './api.js';
import { openDialog } from './dialog.js';
import { buildInputForm } from './input-form.js';
import { navigate } from './router.js';

/**
 * `values` prefill the form (a re-run starts from the earlier job's input; secrets are never
 * prefilled), `sourceJobId` is sent along so the new job links back to the one it re-runs.
 */
export function openRunDialog(workspace, taskName, summary = {}, { values, sourceJobId } = {}) {
  let submitBtn;
  const { closed } = openDialog({
    title: `${sourceJobId ? 'Re-run' : 'Run'} ${summary.display_name || taskName}`,
    testid: 'run-dialog',
    wide: true,
    build(body, close) {
      body.appendChild(notice('loading', 'Loading task…'));
      api.task(workspace, taskName).then((task) => {
        clear(body);
        const form = buildInputForm(task.input, values);
        const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'run-error' } });
        submitBtn = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'run-submit' } }, '▶ Run');
        const steps = Object.keys(task.flow || {});
        const el = h('form', {
          class: 'form', novalidate: true,
          onsubmit: async (e) => {
            e.preventDefault();
            error.hidden = true;
            const { input, errors } = form.collect();
            if (errors) return;
            submitBtn.disabled = true;
            submitBtn.textContent = 'Starting…';
            try {
              const res = await api.execute(workspace, taskName, input, sourceJobId);
              close(res.job_id);
            } catch (err) {
              error.textContent = err.message;
              error.hidden = false;
              submitBtn.disabled = false;
              submitBtn.textContent = '▶ Run';
            }
          },
        },
        h('p', { class: 'muted' }, h('code', null, `${workspace}/${taskName}`),
          steps.length ? ` · ${steps.length} step${steps.length === 1 ? '' : 's'}: ${steps.join(', ')}` : ''),
        task.description ? h('p', null, task.description) : null,
        sourceJobId ? h('p', { class: 'muted small', dataset: { testid: 'rerun-note' } }, 'Prefilled with the input of the job it re-runs; secrets are not copied.') : null,
        form.count ? form.el : h('p', { class: 'muted' }, 'This task takes no input.'),
        error,
        h('div', { class: 'form-actions' },
          h('button', { type: 'button', class: 'button', dataset: { testid: 'run-cancel' }, onclick: () => close() }, 'Cancel'),
          submitBtn));
        body.appendChild(el);
        (el.querySelector('input, select, textarea') || submitBtn).focus();
      }).catch((err) => {
        clear(body);
        body.appendChild(notice('error', `Could not load the task: ${err.message}`));
        body.appendChild(h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'button', onclick: () => close() }, 'Close')));
      });
    },
  });
  closed.then((jobId) => { if (jobId) navigate(`/jobs/${encodeURIComponent(jobId)}`); });
  return closed;
}

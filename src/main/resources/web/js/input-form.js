// Builds form fields from a task's input schema (GET /api/workspaces/{ws}/tasks/{name} ->
// `input`) and collects the values back into the JSON the execute endpoint takes, following
// the original's rules: an empty field without a default is left out (as an API caller would
// omit it), clearing a field that has a default sends "" (an explicit override), an untouched
// secret with a default is left out so the server fills it in.
import { h } from './dom.js';

let seq = 0;

function orderedEntries(schema) {
  const entries = Object.entries(schema || {});
  const ordered = entries.filter(([, f]) => typeof f?.order === 'number').sort((a, b) => a[1].order - b[1].order);
  return [...ordered, ...entries.filter(([, f]) => typeof f?.order !== 'number')];
}

const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?/;

function defaultString(f) {
  const d = f.default;
  if (d === undefined || d === null) return '';
  return typeof d === 'string' ? d : String(d);
}

function control(key, f, id, describedBy) {
  const type = String(f.type || 'string').toLowerCase();
  const common = { id, name: key, 'aria-describedby': describedBy || null, dataset: { testid: `input-${key}` } };
  const has = f.default !== undefined && f.default !== null;
  if (f.multiple && Array.isArray(f.options)) return multiControl(key, f, id, describedBy);
  if (Array.isArray(f.options) && f.options.length && !f.allow_custom) {
    const defaults = new Set((Array.isArray(f.default) ? f.default : has ? [f.default] : []).map(String));
    const opts = f.options.map((o) => h('option', { value: String(o), selected: defaults.has(String(o)) }, String(o)));
    const placeholder = h('option', { value: '', selected: !has }, 'Select …');
    return h('select', common, (f.required && has) ? null : placeholder, opts);
  }
  if (type === 'boolean' || type === 'bool') {
    return h('input', { ...common, type: 'checkbox', checked: f.default === true || f.default === 'true' });
  }
  if (type === 'text') {
    return h('textarea', { ...common, rows: 4, placeholder: key, value: defaultString(f) });
  }
  if (f.secret) {
    return h('input', { ...common, type: 'password', autocomplete: 'off', placeholder: has ? '********' : key });
  }
  if (type === 'integer' || type === 'number') {
    return h('input', { ...common, type: 'number', step: type === 'integer' ? '1' : 'any', inputmode: type === 'integer' ? 'numeric' : 'decimal', placeholder: key, value: defaultString(f) });
  }
  if (type === 'date') {
    const d = defaultString(f).slice(0, 10);
    return h('input', { ...common, type: 'date', value: /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : '' });
  }
  if (type === 'datetime') {
    const m = DATETIME.exec(defaultString(f));
    return h('input', { ...common, type: 'datetime-local', step: m && m[2] ? '1' : null, value: m ? m[1] + (m[2] || '') : '' });
  }
  const el = h('input', { ...common, type: 'text', placeholder: key, value: defaultString(f), spellcheck: 'false' });
  if (Array.isArray(f.options) && f.options.length) {
    const listId = `${id}-options`;
    el.setAttribute('list', listId);
    return h('span', { class: 'combo' }, el, h('datalist', { id: listId }, f.options.map((o) => h('option', { value: String(o) }))));
  }
  return el;
}

/**
 * Multi-select: one checkbox per option (a filter box once the list is long), and with
 * `allow_custom` a text box whose Enter or Add button appends a further checked value.
 */
function multiControl(key, f, id, describedBy) {
  const defaults = (Array.isArray(f.default) ? f.default : f.default != null ? [f.default] : []).map(String);
  const list = h('div', { class: 'multi-options' });
  const add = (value, checked) => {
    list.appendChild(h('label', { class: 'multi-opt', dataset: { value } },
      h('input', { type: 'checkbox', value, checked, dataset: { testid: `input-${key}-option` } }), ` ${value}`));
  };
  const known = f.options.map(String);
  known.forEach((o) => add(o, defaults.includes(o)));
  defaults.filter((d) => !known.includes(d)).forEach((d) => add(d, true));
  const group = h('div', { class: 'multi', role: 'group', id, 'aria-describedby': describedBy || null, dataset: { testid: `input-${key}` } });
  if (known.length > 8) {
    const filter = h('input', { type: 'search', placeholder: 'Filter options', 'aria-label': `Filter options of ${f.name || key}`, class: 'multi-filter',
      oninput: () => { const q = filter.value.toLowerCase(); for (const l of list.children) l.hidden = q && !l.dataset.value.toLowerCase().includes(q); } });
    group.appendChild(filter);
  }
  group.appendChild(list);
  if (f.allow_custom) {
    const custom = h('input', { type: 'text', placeholder: 'Another value', 'aria-label': `Add a value to ${f.name || key}`, dataset: { testid: `input-${key}-custom` },
      onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); addCustom(); } } });
    const addCustom = () => {
      const v = custom.value.trim();
      if (!v) return;
      const existing = [...list.querySelectorAll('input')].find((c) => c.value === v);
      if (existing) existing.checked = true; else add(v, true);
      custom.value = '';
    };
    group.appendChild(h('div', { class: 'multi-custom' }, custom,
      h('button', { type: 'button', class: 'button small', onclick: addCustom, dataset: { testid: `input-${key}-add` } }, 'Add')));
  }
  group.selectedValues = () => [...list.querySelectorAll('input:checked')].map((c) => c.value);
  return group;
}

/**
 * `values` (optional) prefill fields by key, as a re-run does.
 * @returns {{ el: HTMLElement, collect: () => ({ input: object, errors: number }) }}
 * collect() marks invalid fields itself and focuses the first one.
 */
export function buildInputForm(schema, values = {}) {
  const fields = [];
  const wrap = h('div', { class: 'input-fields' });
  for (const [key, raw] of orderedEntries(schema)) {
    let f = raw && typeof raw === 'object' ? raw : { type: String(raw) };
    // A prefilled value stands in for the default; a secret is never echoed back into a form.
    if (!f.secret && values && Object.prototype.hasOwnProperty.call(values, key) && values[key] !== null) f = { ...f, default: values[key] };
    const id = `in-${++seq}`;
    const hintId = f.description ? `${id}-hint` : null;
    const errId = `${id}-err`;
    const ctl = control(key, f, id, [hintId, errId].filter(Boolean).join(' '));
    const input = ctl.matches('span.combo') ? ctl.querySelector('input') : ctl;
    const isGroup = ctl.getAttribute('role') === 'group';
    if (f.required && !isGroup) { input.setAttribute('aria-required', 'true'); }
    const err = h('p', { id: errId, class: 'field-error', hidden: true, dataset: { testid: `input-error-${key}` } });
    const label = h(isGroup ? 'span' : 'label', isGroup ? { id: `${id}-label`, class: 'group-label' } : { for: id },
      f.name || key,
      f.required ? h('span', { class: 'req', title: 'required' }, ' *', h('span', { class: 'sr-only' }, ' (required)')) : null,
      f.name && f.name !== key ? h('code', { class: 'field-key' }, key) : null);
    if (isGroup) ctl.setAttribute('aria-labelledby', `${id}-label`);
    const isCheck = input.type === 'checkbox';
    wrap.appendChild(h('div', { class: `field${isCheck ? ' field-check' : ''}`, dataset: { field: key } },
      isCheck ? [ctl, label] : [label, ctl],
      hintId ? h('p', { id: hintId, class: 'hint' }, f.description) : null,
      f.secret && f.default != null ? h('p', { class: 'hint' }, 'Leave empty to use the configured default.') : null,
      err));
    fields.push({ key, f, input, err });
  }

  function collect() {
    const input = {};
    let errors = 0;
    let firstBad = null;
    for (const { key, f, input: el, err } of fields) {
      const type = String(f.type || 'string').toLowerCase();
      const has = f.default !== undefined && f.default !== null;
      let problem = '';
      let value;
      let present = true;
      if (el.type === 'checkbox') {
        value = el.checked;
      } else if (el.selectedValues) {
        value = el.selectedValues();
        if (value.length === 0) { present = false; if (f.required) problem = 'Choose at least one value.'; }
      } else {
        const v = el.value;
        if (el.validity && el.validity.badInput) problem = type === 'integer' ? 'Enter a whole number.' : 'Enter a valid value.';
        else if (v === '') {
          if (f.required) problem = 'This field is required.';
          // Empty: omit, except a cleared non-secret string that had a default (explicit "").
          present = has && !f.secret && !['integer', 'number', 'date', 'datetime'].includes(type) && el.tagName !== 'SELECT';
          value = '';
        } else if (type === 'integer') {
          value = Number(v);
          if (!Number.isInteger(value)) problem = 'Enter a whole number.';
        } else if (type === 'number') {
          value = Number(v);
          if (!Number.isFinite(value)) problem = 'Enter a number.';
        } else {
          value = v;
        }
      }
      err.hidden = !problem;
      err.textContent = problem;
      if (problem) { el.setAttribute('aria-invalid', 'true'); errors++; firstBad ??= el.selectedValues ? el.querySelector('input') : el; }
      else el.removeAttribute('aria-invalid');
      if (!problem && present) input[key] = value;
    }
    if (firstBad) firstBad.focus();
    return { input, errors };
  }

  return { el: wrap, collect, count: fields.length };
}

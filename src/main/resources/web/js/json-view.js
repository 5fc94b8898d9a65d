// Shows a JSON value (a step's resolved input, its parsed output, a job's output): objects as a
// key/value table a person can scan, with nested values pretty-printed as JSON. Text only.
import { h } from './dom.js';

function cell(v) {
  if (v !== null && typeof v === 'object') return h('pre', { class: 'code-block compact' }, JSON.stringify(v, null, 2));
  if (typeof v === 'string') return h('span', { class: 'json-string' }, v);
  return h('code', null, JSON.stringify(v));
}

/** An object as a two-column table; anything else as pretty-printed JSON. */
export function jsonBlock(value, testid) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return h('table', { class: 'table kv-table', dataset: { testid } },
      h('tbody', null, Object.entries(value).map(([k, v]) => h('tr', { dataset: { key: k } },
        h('th', { scope: 'row' }, h('code', null, k)), h('td', null, cell(v))))));
  }
  return h('pre', { class: 'code-block', dataset: { testid } }, JSON.stringify(value, null, 2));
}

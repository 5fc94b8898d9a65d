// Status badges: every status has a colour AND an icon AND its word, so nothing relies on
// colour alone (colour-blind users, monochrome screens, screenshots in bug reports). The icon
// comes from CSS (::before, with empty alt text) so the element's text is exactly the status.
import { h } from './dom.js';

export const TERMINAL_JOB = new Set(['completed', 'failed', 'cancelled', 'skipped']);

export function statusBadge(status, testid) {
  const s = String(status || 'unknown');
  return h('span', { class: `status status-${s}`, dataset: { testid: testid || 'status-badge', status: s } }, s);
}

/** Updates an existing badge in place (keeps focus and avoids flicker on live refresh). */
export function updateBadge(el, status) {
  const s = String(status || 'unknown');
  if (el.dataset.status === s) return;
  el.dataset.status = s;
  el.className = `status status-${s}`;
  el.textContent = s;
}

// Modal dialogs on the native <dialog> element: showModal() makes the rest of the page inert,
// Escape fires 'cancel'. We add a Tab wrap so focus never leaves the dialog for the browser
// chrome, and give focus back to whatever opened the dialog.
import { h } from './dom.js';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

let idSeq = 0;

/**
 * Opens a modal. `build(body, close)` fills the body. Returns {dialog, close, closed} where
 * `closed` resolves with the value passed to close() (undefined on Escape / ✕).
 */
export function openDialog({ title, testid, build, initialFocus, wide = false }) {
  const opener = document.activeElement;
  const titleId = `dlg-title-${++idSeq}`;
  let resolveClosed;
  const closed = new Promise((r) => { resolveClosed = r; });
  let result;

  const body = h('div', { class: 'modal-body' });
  const dialog = h('dialog', { class: wide ? 'modal modal-wide' : 'modal', 'aria-labelledby': titleId, dataset: { testid } },
    h('div', { class: 'modal-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', dataset: { testid: `${testid}-close` }, onclick: () => close() }, '✕')),
    body);

  function close(value) {
    result = value;
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    resolveClosed(result);
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (items.length === 0) { e.preventDefault(); return; }
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      e.preventDefault(); last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      e.preventDefault(); first.focus();
    }
  });

  build(body, close);
  document.body.appendChild(dialog);
  dialog.showModal();
  const target = typeof initialFocus === 'function' ? initialFocus() : dialog.querySelector(initialFocus || FOCUSABLE);
  if (target) target.focus();
  return { dialog, close, closed };
}

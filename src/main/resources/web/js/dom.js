// Tiny element builder. Text always goes in as text nodes, never as HTML, so nothing
// that came from the server (task names, log lines, error messages) can inject markup.

/**
 * h('a', {href: '/x', class: 'k', dataset: {testid: 'y'}, onclick: fn}, 'text', child, [more])
 * Attributes named on* become listeners; `dataset` and `style` objects are merged in;
 * `null`/`undefined`/`false` attributes and children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'class') el.className = v;
      else if (k === 'value') el.value = v; // a property: the attribute means nothing to <textarea>
      else if (k in el && typeof v !== 'string') el[k] = v; // properties such as checked, hidden, disabled
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces the text of a node only when it changed, so live refreshes don't disturb selection. */
export function setText(el, text) {
  const s = String(text ?? '');
  if (el.textContent !== s) el.textContent = s;
}

/** A loading / empty / error placeholder with a consistent look and test hook. */
export function notice(kind, ...children) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { testid: `notice-${kind}` } }, ...children);
}

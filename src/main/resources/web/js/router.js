// History API router. Every page is a function mount(container, params, query) that returns
// an unmount function; unmount stops the page's timers and sockets, so a page left behind
// never keeps polling or streaming.

const routes = [];
let current = null; // { unmount }
let outlet = null;
let onChange = () => {};

export function route(pattern, mount) {
  // '/jobs/:id' -> /^\/jobs\/([^/]+)\/?$/
  const keys = [];
  const re = new RegExp('^' + pattern.replace(/\/:([a-z]+)/gi, (_, k) => { keys.push(k); return '/([^/]+)'; }) + '/?$');
  routes.push({ re, keys, mount });
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render({ focus: true });
}

/** Updates the query string of the current page without re-mounting it (filters, paging). */
export function setQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
}

function render({ focus }) {
  if (current) { try { current(); } catch (e) { console.error(e); } current = null; }
  outlet.replaceChildren();
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
    current = r.mount(outlet, params, query) || null;
    break;
  }
  onChange(path);
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  if (focus) {
    const heading = outlet.querySelector('h1');
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  }
}

export function startRouter(container, { onNavigate } = {}) {
  outlet = container;
  if (onNavigate) onChange = onNavigate;
  window.addEventListener('popstate', () => render({ focus: true }));
  // Same-origin links navigate in place; modified clicks, downloads and new tabs stay native.
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    e.preventDefault();
    if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
  });
  render({ focus: false });
}

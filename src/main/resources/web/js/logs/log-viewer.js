// The job log viewer: follows the live stream, shows it through a virtual list, filters by
// step and stream, searches, and offers raw downloads. It composes the single-purpose parts:
// LogFollower (socket + positions) -> IngestQueue (time-sliced parsing) -> LogStore
// (compact arrays) -> LogView (filter) -> VirtualList (visible rows only), with LogSearch
// scanning beside them. All DOM work happens in one requestAnimationFrame per frame.
import { h } from '../dom.js';
import { api, downloadLink, ApiError } from '../api.js';
import { formatClock, formatCount } from '../format.js';
import { parseAnsi, renderAnsi } from './ansi.js';
import { LogStore } from './log-store.js';
import { LogView } from './log-view.js';
import { LogSearch } from './log-search.js';
import { IngestQueue } from './log-ingest.js';
import { LogFollower } from './log-follower.js';
import { VirtualList } from './virtual-list.js';

// Lines longer than this are cut on screen (the raw download has them whole): a 1 MB line
// would otherwise make every re-render of its row expensive.
const CUT = 4000;

// Huge logs, end first: the viewer opens on the last TAIL_LINES lines (one bounded request), then
// follows live from there. A log of at most CAP lines is then filled in from the start in
// PAGE-line pages, so filters and search see all of it; a longer one stays a window of at most
// CAP lines (live growth trims its start) that moves on demand — scrolling past its top or bottom,
// Home, a server-side search hit. Page memory is therefore bounded by CAP lines, whatever the log.
const TAIL_LINES = 5000;
const PAGE = 50_000;
const DEFAULT_CAP = 250_000;
const SEARCH_HITS = 10_000;

function lineCap() {
  // Tests shrink the cap to exercise the window on a small log.
  const v = Number(globalThis.localStorage?.getItem('stroem.logCap'));
  return Number.isInteger(v) && v >= 1000 ? v : DEFAULT_CAP;
}

function countLines(data) {
  let n = 0;
  for (let i = data.indexOf('\n'); i >= 0; i = data.indexOf('\n', i + 1)) n++;
  if (data.length && !data.endsWith('\n')) n++;
  return n;
}

/** Parses JSONL into a store in slices, yielding between them so the page stays responsive. */
async function parseInto(store, data) {
  let at = 0;
  while (at < data.length) {
    at = store.appendJsonl(data, at, performance.now() + 12);
    if (at < data.length) await new Promise((r) => setTimeout(r, 0));
  }
}

let viewerSeq = 0;

export class LogViewer {
  /**
   * @param {object} o
   * @param {string} o.jobId
   * @param {(status:string) => void} [o.onEnd]  the stream reported the job's end
   * @param {(step:string|null) => void} [o.onStepFilter]  the user picked a step in the viewer's own filter
   */
  constructor(o) {
    this.o = o;
    this.jobId = o.jobId;
    this.uid = ++viewerSeq;
    this.store = new LogStore(0);
    this.view = new LogView(this.store);
    this.search = new LogSearch(this.store, this.view, () => this._schedule());
    this.ingest = new IngestQueue(this.store, () => this._schedule());
    this.following = true;
    this.state = 'connecting';
    this.stateInfo = {};
    this.knownSteps = [];
    this.shownStepOptions = '';
    this.raf = 0;
    this.chW = 7.8;
    this.gutterW = 0;
    this.destroyed = false;
    this.cap = lineCap();
    this.total = 0; // lines the job's log has (as far as we know)
    this.attached = false; // the window ends at the live end and grows with it
    this.filling = false; // a log that fits is being filled in from its start
    this.moving = null; // the window move in flight (a promise)
    this.gen = 0; // bumps on every re-open at the tail; stale async work checks it
    this.serverHits = null; // {key, positions, truncated, k} of a server-side search
    this.serverCurrent = -1; // the position of the current server-side hit

    this.list = new VirtualList({
      createRow: () => this._createRow(),
      renderRow: (el, v) => this._renderRow(el, v),
      onScroll: (user) => this._onListScroll(user),
      afterRender: (pool, n) => this._growWidth(pool, n),
    });
    this._build();
  }

  _build() {
    const id = (s) => `lv${this.uid}-${s}`;
    this.stepSel = h('select', { id: id('step'), dataset: { testid: 'step-filter' }, onchange: () => { this._applyFilter(); this.o.onStepFilter?.(this.stepSel.value || null); } },
      h('option', { value: '' }, 'All steps'));
    this.streamSel = h('select', { id: id('stream'), dataset: { testid: 'stream-filter' }, onchange: () => this._applyFilter() },
      h('option', { value: '' }, 'stdout + stderr'),
      h('option', { value: 'stdout' }, 'stdout only'),
      h('option', { value: 'stderr' }, 'stderr only'));

    this.searchInput = h('input', {
      id: id('search'), type: 'search', placeholder: 'Search log', autocomplete: 'off', spellcheck: 'false',
      dataset: { testid: 'search-input' },
      oninput: () => {
        clearTimeout(this.searchDebounce);
        this.searchPending = true;
        this._schedule();
        this.serverHits = null;
        this.serverCurrent = -1;
        this.searchDebounce = setTimeout(() => { this.searchPending = false; this.search.setQuery(this.searchInput.value); }, 150);
      },
      onkeydown: (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          clearTimeout(this.searchDebounce);
          this.searchPending = false;
          this.search.setQuery(this.searchInput.value);
          this._findStep(e.shiftKey ? -1 : 1);
        }
      },
    });
    this.prevBtn = h('button', { type: 'button', class: 'button small', 'aria-label': 'Previous match', title: 'Previous match (Shift+Enter)', dataset: { testid: 'search-prev' }, onclick: () => this._findStep(-1) }, '↑');
    this.nextBtn = h('button', { type: 'button', class: 'button small', 'aria-label': 'Next match', title: 'Next match (Enter)', dataset: { testid: 'search-next' }, onclick: () => this._findStep(1) }, '↓');
    this.countEl = h('span', { class: 'search-count', 'aria-live': 'polite', dataset: { testid: 'search-count' } });

    this.rawLink = downloadLink(api.rawLogUrl(this.jobId), `${this.jobId}.jsonl`, 'Raw log', { class: 'button small', dataset: { testid: 'download-raw' } });
    this.stepLinkSlot = h('span', { class: 'step-link-slot' });
    this.statusEl = h('span', { class: 'log-status', role: 'status', dataset: { testid: 'log-status' } }, 'Connecting…');
    this.retryBtn = h('button', { type: 'button', class: 'button small', hidden: true, onclick: () => this.follower?.retryNow() }, 'Retry now');

    this.jumpBtn = h('button', { type: 'button', class: 'button primary jump-live', hidden: true, dataset: { testid: 'jump-to-live' }, onclick: () => this.jumpToLive() }, '↓ Jump to live');
    this.emptyEl = h('div', { class: 'log-empty', dataset: { testid: 'log-empty' } });

    this.list.el.tabIndex = 0;
    this.list.el.setAttribute('role', 'region');
    this.list.el.setAttribute('aria-label', 'Log output (arrow keys and Page Up/Down scroll)');
    this.list.el.dataset.testid = 'log-scroller';
    this.list.el.addEventListener('wheel', (e) => { if (e.deltaY < 0) this._setFollowing(false); }, { passive: true });
    this.list.el.addEventListener('keydown', (e) => {
      if (['ArrowUp', 'PageUp', 'Home'].includes(e.key)) this._setFollowing(false);
      if (e.key === 'Home' && this.store.base > 0) { e.preventDefault(); this.jumpToStart(); }
      if (e.key === 'End') this.jumpToLive();
    });

    this.el = h('section', { class: 'log-viewer', 'aria-label': 'Job log', dataset: { testid: 'log-viewer', state: 'connecting', lines: '0', shown: '0', following: 'true' } },
      h('div', { class: 'log-toolbar' },
        h('div', { class: 'log-filters' },
          h('label', { class: 'sr-only', for: id('step') }, 'Step'), this.stepSel,
          h('label', { class: 'sr-only', for: id('stream') }, 'Stream'), this.streamSel),
        h('div', { class: 'log-search', role: 'search' },
          h('label', { class: 'sr-only', for: id('search') }, 'Search log'), this.searchInput, this.prevBtn, this.nextBtn, this.countEl),
        h('div', { class: 'log-downloads' }, this.rawLink, this.stepLinkSlot)),
      h('div', { class: 'log-body' }, this.list.el, this.emptyEl, this.jumpBtn),
      h('div', { class: 'log-footer' }, this.statusEl, this.retryBtn));
  }

  /** Call once the element is in the document (sizes can be measured then). */
  start() {
    this.list.measure();
    const probe = h('span', { class: 'log-text', style: { position: 'absolute', visibility: 'hidden', whiteSpace: 'pre' } }, '0'.repeat(100));
    this.list.rows.appendChild(probe);
    this.chW = probe.getBoundingClientRect().width / 100 || this.chW;
    probe.remove();
    this._openAtTail();
    this._schedule();
  }

  destroy() {
    this.destroyed = true;
    this.follower?.stop();
    this.ingest.stop();
    this.search.stop();
    this.list.destroy();
    cancelAnimationFrame(this.raf);
    clearTimeout(this.searchDebounce);
  }

  /** Step names known from the job (so steps without output yet can be picked). */
  setSteps(names) {
    this.knownSteps = names;
    this._schedule();
  }

  /** Shows only one step's lines (null for all). */
  setStepFilter(name) {
    this._syncStepOptions(name);
    this.stepSel.value = name ?? '';
    this._applyFilter();
  }

  /** The whole log is in the page (filters and search then run here, on every line). */
  get complete() {
    // Lines still queued for parsing count as in the page: they are on their way into this store.
    return this.store.base === 0 && this.attached && !this.filling;
  }

  /** Opens (again) at the end of the log: its last lines first, then live lines as they come. */
  async _openAtTail() {
    const gen = ++this.gen;
    this.follower?.stop();
    this.ingest.clear();
    this.attached = false;
    let page = null;
    try {
      page = await api.logPage(this.jobId, { tail: TAIL_LINES });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) { this.state = 'failed'; this._schedule(); return; }
      page = null; // a server without `tail`: fall back to following from the first line
    }
    if (gen !== this.gen || this.destroyed) return;
    const total = page && typeof page.next_offset === 'number' ? page.next_offset : 0;
    const fresh = new LogStore(page ? total - countLines(page.logs || '') : 0);
    if (page) await parseInto(fresh, page.logs || '');
    if (gen !== this.gen || this.destroyed) return;
    this.total = Math.max(total, fresh.base + fresh.length);
    this.following = true;
    this._swap(fresh);
    this.attached = true;
    this.follower = new LogFollower({
      jobId: this.jobId,
      onLines: (_first, next, data) => {
        if (next > this.total) this.total = next;
        if (this.attached) this.ingest.add(data);
        else this._schedule();
      },
      onEnd: (status) => { this.endStatus = status; this.o.onEnd?.(status); this._schedule(); },
      onState: (state, info) => { this.state = state; this.stateInfo = info; this._schedule(); },
      probe: async () => {
        try { await api.job(this.jobId); return true; } catch (e) { return !(e instanceof ApiError && e.status === 404); }
      },
    }).start(fresh.base + fresh.length);
    if (fresh.base > 0 && this.total <= this.cap) this._fillFromStart(gen);
  }

  /** A log that fits under the cap: load everything before the tail, then stitch it on. */
  async _fillFromStart(gen) {
    this.filling = true;
    this._schedule();
    try {
      const earlier = await this._fetchRange(0, this.store.base, gen);
      if (!earlier || gen !== this.gen) return;
      earlier.appendFrom(this.store);
      this._swap(earlier);
    } finally {
      if (gen === this.gen) { this.filling = false; this._schedule(); }
    }
  }

  /** Lines [from, to) as a new store, in PAGE-line requests; null when superseded. */
  async _fetchRange(from, to, gen = this.gen) {
    const out = new LogStore(from);
    for (let off = from; off < to;) {
      const page = await api.logPage(this.jobId, { offset: off, limit: Math.min(PAGE, to - off) });
      if (gen !== this.gen || this.destroyed) return null;
      await parseInto(out, page.logs || '');
      if (typeof page.next_offset !== 'number' || page.next_offset <= off) break;
      off = page.next_offset;
    }
    return out;
  }

  /**
   * Replaces the lines in the page with `fresh`, keeping the line at the top of the screen where
   * it was (or the end, while following); filter and search start over on the new lines.
   */
  _swap(fresh, anchorPos) {
    const first = this.view.length && this.list.count ? this.store.position(this.view.at(Math.max(0, this.list.firstVisible()))) : null;
    const anchor = anchorPos ?? first;
    this.store.replaceWith(fresh);
    this.view.setFilter(this.view.stepName, this.view.stream);
    this.list.setCount(this.view.length);
    this.list.invalidate();
    if (this.following || anchor === null) this.list.scrollToBottom();
    else this.list.scrollToIndex(this.view.lowerBound(Math.max(0, anchor - this.store.base)), { align: 'top' });
    this.search.poke();
    this._schedule();
  }

  /**
   * Moves the window so that it holds `pos` (a line position), loading at most CAP lines around
   * it; the window then no longer follows the live end unless it reaches it.
   */
  _moveTo(pos, { align = 'center' } = {}) {
    if (this.moving) return this.moving;
    const gen = this.gen;
    const half = Math.floor(Math.min(this.cap, PAGE * 2) / 2);
    const from = Math.max(0, pos - half);
    const to = Math.min(this.total, from + half * 2);
    this.moving = (async () => {
      try {
        const fresh = await this._fetchRange(from, to, gen);
        if (!fresh || gen !== this.gen) return;
        this.attached = false;
        this.ingest.clear();
        this._setFollowing(false);
        this._swap(fresh, pos);
        this.list.scrollToIndex(this.view.lowerBound(pos - this.store.base), { align });
      } catch (e) {
        console.warn('could not load that part of the log', e);
      } finally {
        this.moving = null;
        this._schedule();
      }
    })();
    return this.moving;
  }

  /** Scrolled to the top (or bottom) of a window that does not hold the whole log: extend it. */
  _extend(dir) {
    if (this.moving || this.filling) return;
    const s = this.store;
    const gen = this.gen;
    if (dir < 0 && s.base > 0) {
      const from = Math.max(0, s.base - PAGE);
      this.moving = (async () => {
        try {
          const earlier = await this._fetchRange(from, s.base, gen);
          if (!earlier || gen !== this.gen) return;
          const keep = Math.min(s.length, this.cap - earlier.length);
          if (keep < s.length) { this.attached = false; this.ingest.clear(); }
          earlier.appendFrom(s, 0, keep);
          this._swap(earlier);
        } finally { this.moving = null; this._schedule(); }
      })();
    } else if (dir > 0 && !this.attached) {
      const end = s.base + s.length;
      if (end >= this.total) { this._openAtTail(); return; }
      this.moving = (async () => {
        try {
          const later = await this._fetchRange(end, Math.min(this.total, end + PAGE), gen);
          if (!later || gen !== this.gen) return;
          const drop = Math.max(0, s.length + later.length - this.cap);
          const next = new LogStore(s.base + drop);
          next.appendFrom(s, drop);
          next.appendFrom(later);
          this._swap(next);
        } finally { this.moving = null; this._schedule(); }
      })();
    }
  }

  /** Line 1: in the page already, or a window moved to the start. */
  jumpToStart() {
    this._setFollowing(false);
    if (this.store.base === 0) { this.list.scrollToIndex(0, { align: 'top' }); return; }
    this._moveTo(0, { align: 'top' });
  }

  /**
   * Search when the page does not hold the whole log: the server finds the positions (over the
   * local log and the archive), the window moves to the hit, and the hit's line is marked.
   */
  async _serverFind(dir) {
    const q = this.searchInput.value;
    if (!q) return;
    const stepF = this.stepSel.value || undefined;
    const streamF = this.streamSel.value || undefined;
    const key = JSON.stringify([q, stepF, streamF]);
    if (!this.serverHits || this.serverHits.key !== key) {
      this.serverHits = { key, positions: [], truncated: false, k: -1, searching: true };
      this._schedule();
      try {
        const res = await api.logSearch(this.jobId, { q, step: stepF, stream: streamF, limit: SEARCH_HITS });
        if (this.serverHits?.key !== key) return;
        this.serverHits = { key, positions: res.positions || [], truncated: !!res.truncated, k: -1, searching: false };
      } catch (e) {
        this.serverHits = { key, positions: [], truncated: false, k: -1, searching: false, error: e.message };
        this._schedule();
        return;
      }
    }
    const hits = this.serverHits;
    if (!hits.positions.length) { this.serverCurrent = -1; this._schedule(); return; }
    if (hits.k < 0) {
      const top = this.view.length ? this.store.position(this.view.at(Math.max(0, this.list.firstVisible()))) : 0;
      const after = hits.positions.findIndex((p) => p >= top);
      hits.k = dir > 0 ? (after < 0 ? 0 : after) : (after <= 0 ? hits.positions.length - 1 : after - 1);
    } else {
      hits.k = (hits.k + dir + hits.positions.length) % hits.positions.length;
    }
    const pos = hits.positions[hits.k];
    this.serverCurrent = pos;
    this._setFollowing(false);
    const s = this.store;
    if (pos < s.base || pos >= s.base + s.length) await this._moveTo(pos);
    else this.list.scrollToIndex(this.view.lowerBound(pos - s.base), { ifNeeded: true });
    this.list.invalidate();
    this._schedule();
  }

  jumpToLive() {
    if (!this.attached && !this.moving) { this._openAtTail(); this.list.el.focus({ preventScroll: true }); return; }
    this._setFollowing(true);
    this.list.scrollToBottom();
    this.list.el.focus({ preventScroll: true });
  }

  _setFollowing(f) {
    if (this.following === f) return;
    this.following = f;
    this._schedule();
  }

  _onListScroll(user) {
    if (this.list.isAtBottom()) {
      if (this.attached) this._setFollowing(true);
      else if (user) this._extend(1);
    } else if (user) this._setFollowing(false);
    if (user && this.store.base > 0 && this.list.firstVisible() <= 0) this._extend(-1);
  }

  _applyFilter() {
    const step = this.stepSel.value || null;
    const streamV = this.streamSel.value;
    const stream = streamV === 'stdout' ? 0 : streamV === 'stderr' ? 1 : null;
    const anchor = this.view.length && this.list.count ? this.view.at(Math.max(0, this.list.firstVisible())) : 0;
    this.view.setFilter(step, stream);
    this.list.setCount(this.view.length);
    this.list.invalidate();
    if (this.following) this.list.scrollToBottom();
    else this.list.scrollToIndex(this.view.lowerBound(anchor), { align: 'top' });
    this.search.poke();
    this.stepLinkSlot.replaceChildren(step
      ? downloadLink(api.rawLogUrl(this.jobId, step), `${this.jobId}-${step}.jsonl`, `Raw: ${step}`, { class: 'button small', dataset: { testid: 'download-step' } })
      : '');
    this._schedule();
  }

  _findStep(dir) {
    if (!this.complete) { this._serverFind(dir); return; }
    if (!this.search.active) return;
    const top = this.view.length ? this.view.at(Math.max(0, this.list.firstVisible())) : 0;
    const i = this.search.step(dir, top);
    // Enter pressed before the scan found anything: go to the first match once it does.
    if (i < 0) { this.pendingFind = this.search.searching ? dir : 0; this._schedule(); return; }
    this.pendingFind = 0;
    this._setFollowing(false);
    this.list.scrollToIndex(this.view.lowerBound(i), { ifNeeded: true });
    // Bring the match into horizontal view too.
    const x = this.gutterW + this.search.currentStart() * this.chW;
    const sl = this.list.el.scrollLeft;
    const w = this.list.el.clientWidth;
    if (x < sl + this.gutterW || x > sl + w - 40) this.list.el.scrollLeft = Math.max(0, x - this.gutterW - 40);
    this.list.invalidate();
    this._schedule();
  }

  _schedule() {
    if (this.raf || this.destroyed) return;
    this.raf = requestAnimationFrame(() => { this.raf = 0; this._frame(); });
  }

  _frame() {
    if (this.destroyed) return;
    // Live lines past the cap: drop the oldest quarter in one go rather than a line at a time.
    if (this.attached && !this.filling && !this.moving && this.store.length > this.cap) {
      const drop = this.store.length - Math.floor(this.cap * 0.75);
      const next = new LogStore(this.store.base + drop);
      next.appendFrom(this.store, drop);
      this._swap(next);
    }
    if (this.view.sync()) this.search.poke();
    const highlightVersion = this.search.version;
    if (highlightVersion !== this.lastHighlight) { this.lastHighlight = highlightVersion; this.list.invalidate(); }
    this.list.setCount(this.view.length);
    this.list.setContentWidth(this.gutterW + Math.min(this.store.maxChars, CUT + 60) * this.chW + 24);
    if (this.following && !this.list.isAtBottom()) this.list.scrollToBottom();
    this._syncStepOptions();
    this._updateChrome();
  }

  _syncStepOptions(extra) {
    const names = [...this.knownSteps];
    for (const s of this.store.steps) if (!names.includes(s)) names.push(s);
    if (extra && !names.includes(extra)) names.push(extra);
    const key = names.join('\u0000');
    if (key === this.shownStepOptions) return;
    this.shownStepOptions = key;
    const value = this.stepSel.value;
    this.stepSel.replaceChildren(h('option', { value: '' }, 'All steps'),
      ...names.map((n) => h('option', { value: n }, n === '_server' ? '_server (server events)' : (n || '(no step)'))));
    this.stepSel.value = value;
  }

  _updateChrome() {
    const { store, view, search } = this;
    const busy = this.ingest.busy;
    const ended = this.state === 'ended';
    const ds = this.el.dataset;
    ds.state = (busy || this.filling) && ended ? 'loading' : this.state;
    ds.lines = String(Math.max(this.total, store.base + store.length));
    ds.windowStart = String(store.base);
    ds.loaded = String(store.length);
    ds.attached = String(this.attached);
    ds.shown = String(view.length);
    ds.following = String(this.following);

    let status;
    const all = Math.max(this.total, store.base + store.length);
    let n = `${formatCount(all)} line${all === 1 ? '' : 's'}`;
    if (store.length < all) n += ` · lines ${formatCount(store.base + 1)}–${formatCount(store.base + store.length)} loaded`;
    switch (this.state) {
      case 'connecting': status = 'Connecting…'; break;
      case 'live': status = busy ? `Loading… ${n}` : `Live · ${n}`; break;
      case 'reconnecting': {
        const secs = this.stateInfo.retryAt ? Math.max(0, Math.ceil((this.stateInfo.retryAt - Date.now()) / 1000)) : 0;
        status = this.stateInfo.connecting ? `Reconnecting… · ${n}` : `Connection lost — reconnecting in ${secs} s · ${n}`;
        if (!this.stateInfo.connecting) setTimeout(() => this._schedule(), 500); // tick the countdown
        break;
      }
      case 'ended': status = busy ? `Loading… ${n}` : `Complete (${this.endStatus || 'ended'}) · ${n}`; break;
      case 'failed': status = 'Log unavailable: the job no longer exists.'; break;
      default: status = n;
    }
    if (view.filtered) status += ` · ${formatCount(view.length)} shown`;
    if (this.statusEl.textContent !== status) this.statusEl.textContent = status;
    this.retryBtn.hidden = !(this.state === 'reconnecting' && !this.stateInfo.connecting);

    this.jumpBtn.hidden = this.following || view.length === 0;
    this.jumpBtn.textContent = ended ? '↓ Jump to end' : '↓ Jump to live';

    let empty = '';
    if (view.length === 0) {
      if (store.length > 0) empty = 'No lines match the filter.';
      else if (busy || this.state === 'connecting') empty = 'Loading log…';
      else if (ended) empty = 'This job has no log lines.';
      else if (this.state === 'failed') empty = 'The log could not be loaded.';
      else empty = 'Waiting for output…';
    }
    this.emptyEl.hidden = !empty;
    if (this.emptyEl.textContent !== empty) this.emptyEl.textContent = empty;

    let count = '';
    const hits = this.serverHits;
    if (!this.complete && hits) {
      if (hits.searching) count = 'Searching…';
      else if (hits.error) count = `Search failed: ${hits.error}`;
      else if (!hits.positions.length) count = 'No matches';
      else count = `${hits.k >= 0 ? formatCount(hits.k + 1) : '–'} / ${formatCount(hits.positions.length)}${hits.truncated ? '+' : ''}`;
      if (this.countEl.textContent !== count) this.countEl.textContent = count;
      this.countEl.dataset.count = String(hits.positions.length);
      this.countEl.dataset.searching = String(!!hits.searching);
      this.prevBtn.disabled = this.nextBtn.disabled = false;
      return;
    }
    if (!this.complete && this.searchInput.value) {
      // Not searched on the server yet: Enter (or ↓) asks it.
      this.prevBtn.disabled = this.nextBtn.disabled = false;
    }
    if (search.active && !this.complete) {
      count = 'Enter to search the whole log';
      if (this.countEl.textContent !== count) this.countEl.textContent = count;
      this.countEl.dataset.searching = String(!!this.searchPending);
      return;
    }
    if (search.active) {
      const more = search.searching ? '+' : '';
      if (search.count === 0) count = search.searching ? 'Searching…' : 'No matches';
      else count = `${search.current >= 0 ? formatCount(search.current + 1) : '–'} / ${formatCount(search.count)}${more}`;
    }
    if (this.countEl.textContent !== count) this.countEl.textContent = count;
    this.countEl.dataset.count = String(search.count);
    // "searching" also covers the typing debounce, so a test (or a person) never reads a stale count.
    this.countEl.dataset.searching = String(search.searching || !!this.searchPending);
    this.prevBtn.disabled = this.nextBtn.disabled = search.count === 0;
    if (search.searching) this._schedule(); // keep the count moving while a scan runs
    if (this.pendingFind && search.count > 0) this._findStep(this.pendingFind);
    else if (this.pendingFind && !search.searching) this.pendingFind = 0;
  }

  _createRow() {
    const ln = h('span', { class: 'ln' });
    const time = h('span', { class: 'lt' });
    const step = h('span', { class: 'lstep' });
    const stream = h('span', { class: 'lstream' });
    const text = h('span', { class: 'log-text', dataset: { testid: 'log-text' } });
    const cut = h('span', { class: 'log-cut', hidden: true });
    const row = h('div', { class: 'log-row', dataset: { testid: 'log-line' } },
      h('span', { class: 'log-gutter' }, ln, time, step, stream), text, cut);
    row._parts = { ln, time, step, stream, text, cut };
    return row;
  }

  _renderRow(row, v) {
    const { store } = this;
    const i = this.view.at(v);
    const p = row._parts;
    const stepName = store.stepName(i) ?? '';
    const err = store.isStderr(i);
    const pos = store.position(i);
    row.dataset.testid = 'log-line';
    row.dataset.pos = String(pos);
    row.dataset.step = stepName;
    row.dataset.stream = err ? 'stderr' : 'stdout';
    row.classList.toggle('stderr', err);
    row.classList.toggle('server', stepName === '_server');
    const hit = pos === this.serverCurrent && !this.complete;
    row.classList.toggle('hit-line', hit);
    if (hit) row.dataset.hit = 'current'; else delete row.dataset.hit;
    p.ln.textContent = String(pos + 1);
    p.time.textContent = formatClock(store.ts[i]);
    p.step.textContent = stepName;
    p.step.title = stepName;
    p.stream.textContent = err ? 'err' : '';
    p.stream.title = err ? 'stderr' : 'stdout';
    let raw = store.text(i);
    const extra = raw.length - CUT;
    if (extra > 0) raw = raw.slice(0, CUT);
    const parsed = parseAnsi(raw);
    renderAnsi(p.text, parsed, this.search.marksFor(i, parsed.text));
    p.cut.hidden = extra <= 0;
    if (extra > 0) p.cut.textContent = ` … ${formatCount(extra)} more characters (see the raw log)`;
  }

  _growWidth(pool, n) {
    if (!this.gutterW && n > 0) this.gutterW = pool[0].firstChild.getBoundingClientRect().width;
    let max = 0;
    for (let k = 0; k < n; k++) { const w = pool[k].scrollWidth; if (w > max) max = w; }
    if (max > this.list.contentWidth) this.list.setContentWidth(max + 24);
  }
}

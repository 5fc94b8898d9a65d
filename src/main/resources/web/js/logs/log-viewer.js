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
    this.follower = new LogFollower({
      jobId: this.jobId,
      onLines: (_first, _next, data) => this.ingest.add(data),
      onEnd: (status) => { this.endStatus = status; this.o.onEnd?.(status); this._schedule(); },
      onState: (state, info) => { this.state = state; this.stateInfo = info; this._schedule(); },
      probe: async () => {
        try { await api.job(this.jobId); return true; } catch (e) { return !(e instanceof ApiError && e.status === 404); }
      },
    }).start(0);
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

  jumpToLive() {
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
    if (this.list.isAtBottom()) this._setFollowing(true);
    else if (user) this._setFollowing(false);
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
    ds.state = busy && ended ? 'loading' : this.state;
    ds.lines = String(store.length);
    ds.shown = String(view.length);
    ds.following = String(this.following);

    let status;
    const n = `${formatCount(store.length)} line${store.length === 1 ? '' : 's'}`;
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

// Incremental, case-insensitive search over the filtered view. It scans in ~8 ms slices so
// typing stays responsive on a million lines (yielding through a MessageChannel, which unlike
// setTimeout is not clamped to 4 ms between slices), keeps scanning as live lines arrive, and stores
// matches compactly (store line index + start offset in the line's visible text).
import { plainText } from './ansi.js';

const SLICE_MS = 8;

function grow(arr) { const g = new Uint32Array(arr.length * 2); g.set(arr); return g; }

export class LogSearch {
  constructor(store, view, onUpdate) {
    this.store = store;
    this.view = view;
    this.onUpdate = onUpdate;
    this.query = '';
    this.needle = '';
    this.lines = new Uint32Array(1024);
    this.starts = new Uint32Array(1024);
    this.count = 0;
    this.current = -1;
    this.scanned = 0; // view rows searched so far
    this.viewVersion = view.version;
    this.scheduled = false;
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => this._run();
    this.version = 0; // bumps when highlights change (query or current match)
  }

  get active() { return this.needle.length > 0; }
  get searching() { return this.active && (this.scanned < this.view.length || this.viewVersion !== this.view.version); }

  setQuery(q) {
    if (q === this.query) return;
    this.query = q;
    this.needle = q.toLowerCase();
    this.restart();
  }

  restart() {
    this.count = 0;
    this.current = -1;
    this.scanned = 0;
    this.viewVersion = this.view.version;
    this.version++;
    this.poke();
    this.onUpdate();
  }

  /** New lines (or a new filter) are there: continue scanning. */
  poke() {
    if (this.viewVersion !== this.view.version) { this.restart(); return; }
    if (!this.active || this.scheduled || this.scanned >= this.view.length) return;
    this._schedule();
  }

  stop() {
    this.needle = '';
    this.channel.port1.onmessage = null;
    this.channel.port1.close();
  }

  _schedule() {
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  _run() {
    this.scheduled = false;
    if (!this.active) return;
    if (this.viewVersion !== this.view.version) { this.restart(); return; }
    const deadline = performance.now() + SLICE_MS;
    const { store, view, needle } = this;
    const nlen = needle.length;
    let v = this.scanned;
    while (v < view.length) {
      const i = view.at(v);
      const hay = plainText(store.text(i)).toLowerCase();
      for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + nlen)) {
        if (this.count === this.lines.length) { this.lines = grow(this.lines); this.starts = grow(this.starts); }
        this.lines[this.count] = i;
        this.starts[this.count] = at;
        this.count++;
      }
      v++;
      if ((v & 255) === 0 && performance.now() > deadline) break;
    }
    this.scanned = v;
    this.onUpdate();
    if (this.scanned < view.length) this._schedule();
  }

  /** First match whose line is at or after store index i. */
  _firstAtOrAfter(i) {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lines[mid] < i) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /**
   * Moves to the next (+1) or previous (-1) match. With no current match it starts from the
   * line at the top of the viewport, like a browser's find. Returns the store index or -1.
   */
  step(dir, fromStoreIndex) {
    if (this.count === 0) return -1;
    if (this.current < 0) {
      const k = this._firstAtOrAfter(fromStoreIndex);
      this.current = dir > 0 ? (k < this.count ? k : 0) : (k > 0 ? k - 1 : this.count - 1);
    } else {
      this.current = (this.current + dir + this.count) % this.count;
    }
    this.version++;
    return this.lines[this.current];
  }

  /** Highlight ranges for one line's visible text: [[start, end, isCurrent], …]. */
  marksFor(i, text) {
    if (!this.active) return null;
    const hay = text.toLowerCase();
    const nlen = this.needle.length;
    let marks = null;
    const curLine = this.current >= 0 ? this.lines[this.current] : -1;
    const curStart = this.current >= 0 ? this.starts[this.current] : -1;
    for (let at = hay.indexOf(this.needle); at >= 0; at = hay.indexOf(this.needle, at + nlen)) {
      (marks ??= []).push([at, at + nlen, i === curLine && at === curStart]);
    }
    return marks;
  }

  currentStart() { return this.current >= 0 ? this.starts[this.current] : -1; }
}

// Compact in-memory storage for a job's log, sized for millions of lines: per-line metadata
// in typed arrays and the text packed into one string per block of 4096 lines (a DOM node or
// a JS object per line would cost ~10x the memory and stall the GC). Lines are only ever
// appended, in log order; index i holds the line at job position `base + i`.

const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

export const STDOUT = 0;
export const STDERR = 1;

function grow(arr, min) {
  if (arr.length >= min) return arr;
  let n = arr.length || 1024;
  while (n < min) n *= 2;
  const next = new arr.constructor(n);
  next.set(arr);
  return next;
}

// Fast path for the server's "2025-02-12T10:56:45.123Z"; anything else goes to Date.parse.
function parseTs(s) {
  if (typeof s !== 'string') return NaN;
  if (s.length === 24 && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(19) === 46) {
    const n = (a, b) => {
      let v = 0;
      for (let i = a; i < b; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) return NaN;
        v = v * 10 + c;
      }
      return v;
    };
    const t = Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16), n(17, 19), n(20, 23));
    if (!Number.isNaN(t)) return t;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? NaN : t;
}

export class LogStore {
  constructor(base = 0) {
    this.base = base; // job position of index 0
    this.length = 0;
    this.ts = new Float64Array(4096);
    this.step = new Uint16Array(4096);
    this.stream = new Uint8Array(4096);
    this.steps = []; // step index -> name
    this.stepIds = new Map();
    this.stepCounts = []; // step index -> line count
    this.stderrCount = 0;
    this.maxChars = 0; // longest line seen (for the horizontal scroll width)
    this._blocks = []; // sealed: {text, starts: Uint32Array(BLOCK + 1)}
    this._pending = []; // texts of the open block
  }

  stepId(name) {
    let id = this.stepIds.get(name);
    if (id === undefined) {
      id = this.steps.length;
      if (id > 0xffff) id = 0xffff; // cap: more than 65535 distinct steps share the last slot
      else { this.steps.push(name); this.stepIds.set(name, id); this.stepCounts.push(0); }
    }
    return id;
  }

  /** Appends one line. `stream` is 'stderr' or anything else for stdout. */
  push(tsMs, stepName, stream, text) {
    const i = this.length;
    if (i >= this.ts.length) {
      this.ts = grow(this.ts, i + 1);
      this.step = grow(this.step, i + 1);
      this.stream = grow(this.stream, i + 1);
    }
    const sid = this.stepId(stepName);
    this.ts[i] = tsMs;
    this.step[i] = sid;
    this.stepCounts[sid]++;
    const err = stream === 'stderr' ? STDERR : STDOUT;
    this.stream[i] = err;
    if (err) this.stderrCount++;
    if (text.length > this.maxChars) this.maxChars = text.length;
    this._pending.push(text);
    this.length = i + 1;
    if (this._pending.length === BLOCK) this._seal();
  }

  _seal() {
    const starts = new Uint32Array(BLOCK + 1);
    let off = 0;
    for (let j = 0; j < BLOCK; j++) { starts[j] = off; off += this._pending[j].length; }
    starts[BLOCK] = off;
    this._blocks.push({ text: this._pending.join(''), starts });
    this._pending = [];
  }

  text(i) {
    const b = i >>> BLOCK_BITS;
    if (b < this._blocks.length) {
      const blk = this._blocks[b];
      const j = i & (BLOCK - 1);
      return blk.text.slice(blk.starts[j], blk.starts[j + 1]);
    }
    return this._pending[i - (b << BLOCK_BITS)] ?? '';
  }

  /** Appends lines [from, to) of another store (the viewer stitches pages of one log together). */
  appendFrom(other, from = 0, to = other.length) {
    for (let i = from; i < to; i++) this.push(other.ts[i], other.stepName(i), other.isStderr(i) ? 'stderr' : 'stdout', other.text(i));
  }

  /**
   * Becomes `other` (which is then dropped): the viewer swaps windows of a huge log while its
   * filter, search and ingest keep their reference to this store.
   */
  replaceWith(other) {
    Object.assign(this, other);
  }

  stepName(i) { return this.steps[this.step[i]]; }
  isStderr(i) { return this.stream[i] === STDERR; }
  position(i) { return this.base + i; }

  /**
   * Appends JSONL text starting at `from` (a char offset), stopping after `deadline`
   * (performance.now() value) so a huge frame never blocks the page. Returns the offset
   * where it stopped, or data.length when done.
   */
  appendJsonl(data, from, deadline) {
    let pos = from;
    let n = 0;
    while (pos < data.length) {
      let end = data.indexOf('\n', pos);
      if (end < 0) end = data.length;
      if (end > pos) this._pushJson(data.slice(pos, end));
      pos = end + 1;
      if ((++n & 511) === 0 && performance.now() > deadline) break;
    }
    return Math.min(pos, data.length);
  }

  _pushJson(json) {
    let o;
    try { o = JSON.parse(json); } catch { o = null; }
    if (o && typeof o === 'object') {
      const line = typeof o.line === 'string' ? o.line : (o.line === undefined || o.line === null ? '' : String(o.line));
      this.push(parseTs(o.ts), typeof o.step === 'string' ? o.step : '', o.stream, line);
    } else {
      // Not a JSON object (a legacy plain-text line, or corruption): keep it visible as-is.
      this.push(NaN, '', 'stdout', json.endsWith('\r') ? json.slice(0, -1) : json);
    }
  }
}

// The lines the viewer shows: the store filtered by step and stream. Without a filter it is
// the identity (no index array at all); with one it is a Uint32Array of store indices that
// grows as lines arrive. Filtering a million lines is one typed-array pass (a few ms).

export class LogView {
  constructor(store) {
    this.store = store;
    this.stepName = null; // null = all steps
    this.stream = null; // null = both, 0 = stdout, 1 = stderr
    this.idx = null;
    this.length = 0;
    this.scanned = 0;
    this.version = 0; // bumps when the filter (not just the length) changes
  }

  get filtered() { return this.stepName !== null || this.stream !== null; }

  setFilter(stepName, stream) {
    this.stepName = stepName;
    this.stream = stream;
    this.idx = this.filtered ? new Uint32Array(1024) : null;
    this.length = 0;
    this.scanned = 0;
    this.version++;
    this.sync();
  }

  /** Takes in lines appended to the store since the last call. Returns true when it grew. */
  sync() {
    const s = this.store;
    const before = this.length;
    if (!this.filtered) {
      this.length = s.length;
      this.scanned = s.length;
      return this.length !== before;
    }
    const ids = this.stepName === null ? null : this._stepIds();
    if (ids !== null && ids.size === 0) { this.scanned = s.length; return false; } // that step has no lines yet
    const sid = ids === null ? -1 : ids.size === 1 ? ids.values().next().value : -3;
    const want = this.stream ?? -1;
    let idx = this.idx;
    let n = this.length;
    const steps = s.step;
    const streams = s.stream;
    for (let i = this.scanned; i < s.length; i++) {
      if ((sid === -1 || steps[i] === sid || (sid === -3 && ids.has(steps[i]))) && (want < 0 || streams[i] === want)) {
        if (n === idx.length) { const g = new Uint32Array(idx.length * 2); g.set(idx); idx = g; }
        idx[n++] = i;
      }
    }
    this.idx = idx;
    this.length = n;
    this.scanned = s.length;
    return n !== before;
  }

  /**
   * Store step ids the filter shows: the step's own, and for a for_each step those of its
   * iterations (`name[0]`, `name[1]`, …), whose lines keep their own names. Recomputed when a step
   * name first appears in the store; lines already scanned cannot carry a name that is new.
   */
  _stepIds() {
    const s = this.store;
    if (this.idsStore === s && this.idsFor === this.stepName && this.idsSeen === s.steps.length) return this.ids;
    const ids = new Set();
    const iteration = this.stepName + '[';
    for (const [name, id] of s.stepIds) if (name === this.stepName || name.startsWith(iteration)) ids.add(id);
    this.ids = ids;
    this.idsFor = this.stepName;
    this.idsSeen = s.steps.length;
    this.idsStore = s;
    return ids;
  }

  /** Store index of view row v. */
  at(v) { return this.idx ? this.idx[v] : v; }

  /** View row of the first line at or after store index i (this.length if none). */
  lowerBound(i) {
    if (!this.idx) return Math.min(i, this.length);
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idx[mid] < i) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}

// Virtual scrolling with a fixed row height: only the rows in the viewport exist in the DOM
// (a pool of ~50 elements, reused), however many lines the log has.
//
// Layout: the scroller holds a sticky "layer" exactly one viewport tall that carries the row
// pool, followed by a spacer that gives the scrollbar its length. Browsers cap element
// heights (~17M px in Firefox, ~33M in Chrome), so past MAX_PX the scroll range is scaled:
// scrollTop maps proportionally onto the real row offset.

const MAX_PX = 15_000_000;

export class VirtualList {
  /**
   * @param {object} o
   * @param {() => HTMLElement} o.createRow
   * @param {(el: HTMLElement, index: number) => void} o.renderRow
   * @param {(userScrolled: boolean) => void} [o.onScroll]
   */
  constructor(o) {
    this.o = o;
    this.count = 0;
    this.rowH = 20;
    this.contentWidth = 0;
    this.pool = [];
    this.renderedKeys = [];
    this.version = 0;
    this.expectTop = null;
    this.lastTopPx = 0;

    this.el = document.createElement('div');
    this.el.className = 'vlist';
    this.layer = document.createElement('div');
    this.layer.className = 'vlist-layer';
    this.rows = document.createElement('div');
    this.rows.className = 'vlist-rows';
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.layer.appendChild(this.rows);
    this.el.append(this.layer, this.spacer);

    this.el.addEventListener('scroll', () => this._onScroll(), { passive: true });
    this.ro = new ResizeObserver(() => this._layout());
    this.ro.observe(this.el);
  }

  destroy() { this.ro.disconnect(); }

  /** Row height comes from CSS (--row-h) so the stylesheet stays the one place for sizes. */
  measure() {
    const h = parseFloat(getComputedStyle(this.el).getPropertyValue('--row-h'));
    if (h > 0) this.rowH = h;
    this._layout();
  }

  get viewportH() { return this.el.clientHeight; }
  get realTotal() { return this.count * this.rowH; }
  get virtualTotal() { return Math.min(this.realTotal, MAX_PX); }

  /** Real pixels per scrollTop pixel (1 unless the log is taller than MAX_PX). */
  _ratio() {
    const vh = this.viewportH;
    const vmax = this.virtualTotal - vh;
    const rmax = this.realTotal - vh;
    return vmax > 0 && rmax > vmax ? rmax / vmax : 1;
  }

  _topPx() { return Math.max(0, Math.min(this.el.scrollTop * this._ratio(), Math.max(0, this.realTotal - this.viewportH))); }

  setCount(n) {
    if (n === this.count) return;
    const scaledBefore = this.realTotal > MAX_PX;
    const keepTop = this.lastTopPx;
    this.count = n;
    this._layout();
    // In scaled mode a longer log changes the mapping; keep the same line at the top.
    if (scaledBefore || this.realTotal > MAX_PX) this._setScrollTop(keepTop / this._ratio());
  }

  setContentWidth(px) {
    if (px <= this.contentWidth) return;
    this.contentWidth = Math.ceil(px);
    this.layer.style.width = `${this.contentWidth}px`;
    this.spacer.style.width = `${this.contentWidth}px`;
  }

  resetContentWidth() {
    this.contentWidth = 0;
    this.layer.style.width = '';
    this.spacer.style.width = '';
  }

  _layout() {
    const vh = this.viewportH;
    this.layer.style.height = `${vh}px`;
    this.spacer.style.height = `${Math.max(0, this.virtualTotal - vh)}px`;
    this.render();
  }

  _setScrollTop(top) {
    this.el.scrollTop = top;
    this.expectTop = this.el.scrollTop; // read back: the browser clamps
    this.render();
  }

  _onScroll() {
    const programmatic = this.expectTop !== null && Math.abs(this.el.scrollTop - this.expectTop) <= 1;
    this.expectTop = null;
    this.render();
    this.o.onScroll?.(!programmatic);
  }

  isAtBottom() {
    return this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - 2;
  }

  scrollToBottom() { this._setScrollTop(this.el.scrollHeight); }

  /**
   * Brings row i into view: centred, or at the top with align 'top'. With ifNeeded, a row
   * that is already fully visible does not move the view.
   */
  scrollToIndex(i, { ifNeeded = false, align = 'center' } = {}) {
    const vh = this.viewportH;
    const top = this._topPx();
    const y = i * this.rowH;
    if (ifNeeded && y >= top && y + this.rowH <= top + vh) return;
    const want = align === 'top' ? y : y - (vh - this.rowH) / 2;
    const target = Math.max(0, Math.min(want, this.realTotal - vh));
    this._setScrollTop(target / this._ratio());
  }

  /** Index of the first row (fully or partly) in view. */
  firstVisible() { return Math.min(this.count - 1, Math.floor(this._topPx() / this.rowH)); }

  /** Forces every visible row to re-render (filter, highlight or theme changed). */
  invalidate() { this.version++; this.render(); }

  render() {
    const vh = this.viewportH;
    const topPx = this._topPx();
    this.lastTopPx = topPx;
    const first = Math.floor(topPx / this.rowH);
    const offset = topPx - first * this.rowH;
    const n = Math.max(0, Math.min(this.count - first, Math.ceil((vh + offset) / this.rowH) + 1));
    while (this.pool.length < n) {
      const row = this.o.createRow();
      this.pool.push(row);
      this.renderedKeys.push(-1);
      this.rows.appendChild(row);
    }
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      if (k < n) {
        const key = (first + k) * 65536 + (this.version & 0xffff);
        if (this.renderedKeys[k] !== key) {
          this.o.renderRow(row, first + k);
          this.renderedKeys[k] = key;
        }
        if (row.hidden) row.hidden = false;
      } else if (!row.hidden) {
        row.hidden = true;
        row.removeAttribute('data-testid'); // spare rows must not look like lines to tests
        this.renderedKeys[k] = -1;
      }
    }
    this.rows.style.transform = `translateY(${-offset}px)`;
    this.o.afterRender?.(this.pool, n);
  }
}

// The workflow graph: steps as buttons laid out left to right by dependency depth, with their
// `depends_on` edges drawn behind them in SVG. Nodes are real <button>s (keyboard, screen
// readers and axe see ordinary controls); the edge drawing is decoration (aria-hidden).
// Used live on the job page (states change in place, no re-layout) and statically on the task page.
import { h, setText } from './dom.js';

const NODE_W = 150;
const NODE_H = 44;
const COL_GAP = 56;
const ROW_GAP = 16;
const PAD = 8;
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Columns by longest path from a root; inside a column, nodes follow the average row of their
 * parents (fewer crossings than declaration order), ties in declaration order.
 */
export function layoutGraph(nodes) {
  const byName = new Map(nodes.map((n, i) => [n.name, { ...n, index: i }]));
  const depth = new Map();
  const visiting = new Set();
  function depthOf(name) {
    if (depth.has(name)) return depth.get(name);
    if (visiting.has(name)) return 0; // a cycle is the validator's business; never loop here
    visiting.add(name);
    const deps = (byName.get(name)?.depends_on || []).filter((d) => byName.has(d));
    const d = deps.length ? Math.max(...deps.map(depthOf)) + 1 : 0;
    visiting.delete(name);
    depth.set(name, d);
    return d;
  }
  nodes.forEach((n) => depthOf(n.name));
  const columns = [];
  for (const n of byName.values()) (columns[depth.get(n.name)] ||= []).push(n);
  const row = new Map();
  columns.forEach((col) => {
    const weight = (n) => {
      const deps = (n.depends_on || []).filter((d) => row.has(d));
      return deps.length ? deps.reduce((s, d) => s + row.get(d), 0) / deps.length : n.index;
    };
    col.sort((a, b) => weight(a) - weight(b) || a.index - b.index);
    col.forEach((n, i) => row.set(n.name, i));
  });
  const height = Math.max(1, ...columns.map((c) => c.length));
  const positions = new Map();
  columns.forEach((col, c) => {
    // Centre short columns against the tallest one.
    const offset = (height - col.length) / 2;
    col.forEach((n, r) => positions.set(n.name, {
      x: PAD + c * (NODE_W + COL_GAP),
      y: PAD + (r + offset) * (NODE_H + ROW_GAP),
    }));
  });
  return {
    positions,
    width: PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP,
    height: PAD * 2 + height * NODE_H + (height - 1) * ROW_GAP,
  };
}

export class WorkflowGraph {
  /**
   * @param {object} o
   * @param {string} o.label              accessible name of the graph
   * @param {(name:string) => void} [o.onSelect]  a node was activated (click, Enter, Space)
   */
  constructor(o) {
    this.o = o;
    this.nodes = new Map(); // name -> { el, stateEl, detailEl }
    this.signature = '';
    this.selected = null;
    this.canvas = h('div', { class: 'graph-canvas' });
    this.el = h('div', { class: 'graph', role: 'group', 'aria-label': o.label, dataset: { testid: 'workflow-graph' } }, this.canvas);
  }

  /**
   * Shows `steps` ([{name, depends_on, status, detail}]): a change in names or edges lays the graph
   * out again; a change in states only updates the nodes.
   */
  setSteps(steps) {
    const sig = JSON.stringify(steps.map((s) => [s.name, s.depends_on || []]));
    if (sig !== this.signature) {
      this.signature = sig;
      this._build(steps);
    }
    for (const s of steps) {
      const n = this.nodes.get(s.name);
      if (!n) continue;
      const status = s.status || 'none';
      if (n.el.dataset.status !== status) {
        n.el.dataset.status = status;
        n.el.className = `graph-node state-${status}`;
      }
      setText(n.stateEl, s.status || '');
      setText(n.detailEl, s.detail || '');
    }
    this._markSelected();
  }

  select(name) {
    this.selected = name;
    this._markSelected();
  }

  _markSelected() {
    if (!this.o.onSelect) return;
    for (const [name, n] of this.nodes) n.el.setAttribute('aria-pressed', String(name === this.selected));
  }

  _build(steps) {
    const { positions, width, height } = layoutGraph(steps);
    this.nodes.clear();
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'graph-edges');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (const s of steps) {
      const to = positions.get(s.name);
      for (const d of s.depends_on || []) {
        const from = positions.get(d);
        if (!from) continue;
        const x1 = from.x + NODE_W;
        const y1 = from.y + NODE_H / 2;
        const x2 = to.x;
        const y2 = to.y + NODE_H / 2;
        const mid = (x1 + x2) / 2;
        const path = document.createElementNS(SVG_NS, 'path');
        path.setAttribute('d', `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 4},${y2}`);
        path.setAttribute('class', 'graph-edge');
        path.dataset.from = d;
        path.dataset.to = s.name;
        svg.appendChild(path);
        const arrow = document.createElementNS(SVG_NS, 'path');
        arrow.setAttribute('d', `M${x2 - 8},${y2 - 4} L${x2},${y2} L${x2 - 8},${y2 + 4}`);
        arrow.setAttribute('class', 'graph-arrow');
        svg.appendChild(arrow);
      }
    }
    const buttons = steps.map((s) => {
      const p = positions.get(s.name);
      const stateEl = h('span', { class: 'graph-state' });
      const detailEl = h('span', { class: 'graph-detail' });
      const tag = this.o.onSelect ? 'button' : 'div';
      const el = h(tag, {
        type: tag === 'button' ? 'button' : null,
        class: 'graph-node state-none',
        title: s.name,
        style: { left: `${p.x}px`, top: `${p.y}px`, width: `${NODE_W}px`, height: `${NODE_H}px` },
        dataset: { testid: 'graph-node', step: s.name, status: 'none' },
        onclick: this.o.onSelect ? () => this.o.onSelect(s.name) : null,
      }, h('span', { class: 'graph-name' }, s.name), h('span', { class: 'graph-sub' }, stateEl, detailEl));
      this.nodes.set(s.name, { el, stateEl, detailEl });
      return el;
    });
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.replaceChildren(svg, ...buttons);
  }
}

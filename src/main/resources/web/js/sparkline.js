// A sparkline of durations: one point per run, oldest on the left, scaled to the slowest.
// Decoration for the eye; the accessible name carries the numbers.
import { formatDuration } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `values` in seconds, oldest first. */
export function sparkline(values, { width = 120, height = 28, label = 'Recent durations' } = {}) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const max = Math.max(...values, 0.001);
  const min = Math.min(...values);
  svg.setAttribute('aria-label', values.length
    ? `${label}: ${values.length} run${values.length === 1 ? '' : 's'}, ${formatDuration(min)} to ${formatDuration(max)}, latest ${formatDuration(values[values.length - 1])}`
    : `${label}: no finished runs`);
  svg.dataset.testid = 'sparkline';
  svg.dataset.points = String(values.length);
  if (!values.length) return svg;
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const pts = values.map((v, i) => [2 + i * step, height - 2 - (v / max) * (height - 4)]);
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '));
  line.setAttribute('class', 'spark-line');
  svg.appendChild(line);
  const [lx, ly] = pts[pts.length - 1];
  const dot = document.createElementNS(SVG_NS, 'circle');
  dot.setAttribute('cx', lx.toFixed(1));
  dot.setAttribute('cy', ly.toFixed(1));
  dot.setAttribute('r', '2.5');
  dot.setAttribute('class', 'spark-dot');
  svg.appendChild(dot);
  return svg;
}

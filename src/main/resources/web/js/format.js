// Human formatting of times and durations. Job times are shown in the viewer's local zone
// (the API speaks UTC); the ISO value stays available in the element's title.

const pad2 = (n) => (n < 10 ? '0' : '') + n;
const pad3 = (n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

export function parseTime(iso) {
  if (!iso) return NaN;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? NaN : t;
}

/** "2025-02-12 11:56:45" in local time; empty for missing values. */
export function formatDateTime(iso) {
  const t = typeof iso === 'number' ? iso : parseTime(iso);
  if (Number.isNaN(t)) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "HH:MM:SS.mmm" local, for log lines. */
export function formatClock(ms) {
  if (Number.isNaN(ms)) return '--:--:--.---';
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
}

export function formatDuration(secs) {
  if (secs === null || secs === undefined || Number.isNaN(secs) || secs < 0) return '';
  if (secs < 1) return `${Math.round(secs * 1000)} ms`;
  if (secs < 60) return `${secs < 10 ? secs.toFixed(1) : Math.round(secs)} s`;
  const s = Math.round(secs);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad2(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/**
 * Duration of something with start/end ISO times: uses the server's figure when given,
 * otherwise measures, and counts up to "now" while it still runs.
 */
export function durationSecs(startIso, endIso, given) {
  if (typeof given === 'number') return given;
  const start = parseTime(startIso);
  if (Number.isNaN(start)) return null;
  const end = endIso ? parseTime(endIso) : Date.now();
  return Number.isNaN(end) ? null : Math.max(0, (end - start) / 1000);
}

export function formatRelative(iso) {
  const t = parseTime(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatCount(n) {
  return Number(n).toLocaleString('en-US');
}

export function shortId(id) {
  return String(id ?? '').slice(0, 8);
}

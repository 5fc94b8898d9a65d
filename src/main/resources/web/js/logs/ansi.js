// ANSI escape handling for log lines. SGR sequences (colours, bold, italic, underline, …) become
// styled spans; every other escape (cursor moves, erase, OSC titles and hyperlinks, charset
// switches) and stray control characters are dropped, so a log never shows "\x1b[2K" noise.
// Each line is parsed on its own: the viewer renders only visible rows, so styles cannot carry
// over from lines it never looked at (a program that colours across lines loses that, by design).

// CSI (7-bit and 8-bit), OSC (ends in BEL or ST), DCS/SOS/PM/APC strings, a CSI cut off at
// the end of the line, two-char escapes, then lone control characters (TAB is kept).
const ESCAPES = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x9b([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b\[[0-?]*[ -/]*$|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1f\x7f]/g;
const NEEDS_WORK = /[\x00-\x08\x0a-\x1f\x7f\x9b]/;

const CUBE = [0, 95, 135, 175, 215, 255];

/** 256-colour index -> palette index (0-15, themed in CSS) or an rgb() string. */
export function color256(n) {
  if (!(n >= 0 && n <= 255)) return null;
  if (n < 16) return n;
  if (n < 232) {
    const i = n - 16;
    return `rgb(${CUBE[Math.floor(i / 36)]},${CUBE[Math.floor(i / 6) % 6]},${CUBE[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

const clamp = (v) => Math.max(0, Math.min(255, Number(v) || 0));
const rgb = (r, g, b) => `rgb(${clamp(r)},${clamp(g)},${clamp(b)})`;

const RESET = Object.freeze({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, strike: false, inverse: false });

function isPlain(s) {
  return s.fg === null && s.bg === null && !s.bold && !s.dim && !s.italic && !s.underline && !s.strike && !s.inverse;
}

/** Applies one SGR parameter string ("1;38;5;208", "38:2::255:0:0", "") to a style. */
export function applySgr(params, style) {
  const s = { ...style };
  const parts = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.includes(':')) {
      // ITU T.416 colon form: 38:5:n, 38:2:[colourspace]:r:g:b, 4:n (underline style).
      const sub = p.split(':');
      const code = Number(sub[0]);
      if (code === 38 || code === 48) {
        let c = null;
        if (sub[1] === '5') c = color256(Number(sub[2]));
        else if (sub[1] === '2') c = sub.length >= 6 ? rgb(sub[3], sub[4], sub[5]) : rgb(sub[2], sub[3], sub[4]);
        if (code === 38) s.fg = c; else s.bg = c;
      } else if (code === 4) {
        s.underline = Number(sub[1] || 1) !== 0;
      }
      continue;
    }
    const code = p === '' ? 0 : Number(p);
    if (code === 0) Object.assign(s, RESET);
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4 || code === 21) s.underline = true;
    else if (code === 7) s.inverse = true;
    else if (code === 9) s.strike = true;
    else if (code === 22) { s.bold = false; s.dim = false; }
    else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = false;
    else if (code === 27) s.inverse = false;
    else if (code === 29) s.strike = false;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code === 49) s.bg = null;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      let c = null;
      if (parts[i + 1] === '5') { c = color256(Number(parts[i + 2])); i += 2; }
      else if (parts[i + 1] === '2') { c = rgb(parts[i + 2], parts[i + 3], parts[i + 4]); i += 4; }
      if (code === 38) s.fg = c; else s.bg = c;
    }
    // Anything else (blink, conceal, fonts, 58 underline colour…) is ignored on purpose.
  }
  return s;
}

/** What a terminal would leave visible after carriage returns: progress bars end on their last state. */
function afterCarriageReturn(raw) {
  let s = raw;
  while (s.endsWith('\r')) s = s.slice(0, -1);
  const cr = s.lastIndexOf('\r');
  return cr >= 0 ? s.slice(cr + 1) : s;
}

/**
 * Parses a raw line into its visible text and styled spans.
 * Returns {text, spans} where spans is null for unstyled lines, else [{start, end, style}].
 */
export function parseAnsi(raw) {
  if (!NEEDS_WORK.test(raw)) return { text: raw, spans: null };
  const src = raw.includes('\r') ? afterCarriageReturn(raw) : raw;
  let text = '';
  let spans = null;
  let style = RESET;
  let last = 0;
  const emit = (chunk) => {
    if (!chunk) return;
    const start = text.length;
    text += chunk;
    if (isPlain(style)) return;
    spans ??= [];
    const prev = spans[spans.length - 1];
    if (prev && prev.style === style && prev.end === start) prev.end = text.length;
    else spans.push({ start, end: text.length, style });
  };
  ESCAPES.lastIndex = 0;
  for (let m; (m = ESCAPES.exec(src));) {
    emit(src.slice(last, m.index));
    last = ESCAPES.lastIndex;
    const final = m[3] ?? m[6];
    const inter = m[2] ?? m[5];
    if (final === 'm' && inter === '') {
      const params = m[1] ?? m[4];
      // Private-mode SGR-looking sequences (e.g. "\x1b[>4;2m") are not colours.
      if (!/^[<=>?]/.test(params)) style = applySgr(params, style);
    }
  }
  emit(src.slice(last));
  return { text, spans };
}

/** The visible text only (for search and the Server Events panel). */
export function plainText(raw) {
  return NEEDS_WORK.test(raw) ? parseAnsi(raw).text : raw;
}

function styleClass(st) {
  let cls = '';
  let fg = st.fg;
  let bg = st.bg;
  if (st.inverse) { const t = fg; fg = bg ?? 'inv'; bg = t ?? 'inv'; }
  if (typeof fg === 'number') cls += ` a-f${fg}`; else if (fg === 'inv') cls += ' a-fi';
  if (typeof bg === 'number') cls += ` a-g${bg}`; else if (bg === 'inv') cls += ' a-gi';
  if (st.bold) cls += ' a-b';
  if (st.dim) cls += ' a-d';
  if (st.italic) cls += ' a-i';
  if (st.underline && st.strike) cls += ' a-us';
  else if (st.underline) cls += ' a-u';
  else if (st.strike) cls += ' a-s';
  return { cls: cls.slice(1), fg: typeof fg === 'string' && fg !== 'inv' ? fg : null, bg: typeof bg === 'string' && bg !== 'inv' ? bg : null };
}

function styledNode(text, st) {
  if (!st) return document.createTextNode(text);
  const { cls, fg, bg } = styleClass(st);
  const span = document.createElement('span');
  if (cls) span.className = cls;
  if (fg) span.style.color = fg;
  if (bg) span.style.backgroundColor = bg;
  span.textContent = text;
  return span;
}

/**
 * Appends the parsed line to `el` as text nodes and spans (never innerHTML).
 * `marks` are sorted, non-overlapping [start, end, current] ranges of the visible text to
 * highlight as search matches.
 */
export function renderAnsi(el, parsed, marks) {
  const { text, spans } = parsed;
  if (!spans && (!marks || marks.length === 0)) { el.textContent = text; return; }
  // Cut points: span edges and mark edges; each piece has one style and one mark state.
  const cuts = new Set([0, text.length]);
  if (spans) for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  if (marks) for (const m of marks) { cuts.add(m[0]); cuts.add(m[1]); }
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  let si = 0;
  let mi = 0;
  const frag = document.createDocumentFragment();
  for (let k = 0; k < points.length - 1; k++) {
    const a = points[k];
    const b = points[k + 1];
    if (a === b) continue;
    while (spans && si < spans.length && spans[si].end <= a) si++;
    while (marks && mi < marks.length && marks[mi][1] <= a) mi++;
    const st = spans && si < spans.length && spans[si].start <= a ? spans[si].style : null;
    const mk = marks && mi < marks.length && marks[mi][0] <= a ? marks[mi] : null;
    const node = styledNode(text.slice(a, b), st);
    if (mk) {
      const mark = document.createElement('mark');
      if (mk[2]) { mark.className = 'current'; mark.dataset.testid = 'search-current'; }
      mark.appendChild(node);
      frag.appendChild(mark);
    } else {
      frag.appendChild(node);
    }
  }
  el.replaceChildren(frag);
}

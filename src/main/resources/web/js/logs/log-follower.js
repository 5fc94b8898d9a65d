// Follows a job's log over the WebSocket with the `control=true` envelope protocol
// (docs/api.md): `lines` {first, next, data}, `position` {next}, `end` {status, next}.
// It owns the position bookkeeping that makes "every line exactly once" hold across drops:
// it reconnects with from=<next> (backoff with jitter), drops anything already seen, and on
// an unfiltered stream treats a gap as a reason to reconnect rather than show a hole.
import { api } from '../api.js';

const BACKOFF_MS = [250, 1000, 2000, 4000, 8000, 15000];

export class LogFollower {
  /**
   * @param {object} o
   * @param {string} o.jobId
   * @param {string} [o.step]      server-side step filter (e.g. '_server')
   * @param {(first:number, next:number, data:string) => void} o.onLines  new lines, in order, never repeated
   * @param {(status:string, next:number) => void} [o.onEnd]
   * @param {(state:string, info:object) => void} [o.onState]  connecting | live | reconnecting | ended | failed
   * @param {() => Promise<boolean>} [o.probe]  asked after a failed connect; false stops retrying (job gone)
   */
  constructor(o) {
    this.o = o;
    this.next = 0;
    this.ended = false;
    this.stopped = false;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
  }

  start(from = 0) {
    this.next = from;
    this._connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) { try { this.ws.close(1000); } catch { /* already closing */ } }
    this.ws = null;
  }

  _state(state, info = {}) {
    this.state = state;
    this.o.onState?.(state, { next: this.next, attempt: this.attempt, ...info });
  }

  async _connect() {
    if (this.stopped || this.ended) return;
    const params = { control: 'true' };
    if (this.next > 0) params.from = this.next;
    if (this.o.step) params.step = this.o.step;
    this._state(this.attempt === 0 ? 'connecting' : 'reconnecting', { connecting: true });
    let ws;
    try {
      const url = await api.streamUrl(this.o.jobId, params);
      if (this.stopped || this.ended) return;
      ws = new WebSocket(url);
    } catch (e) {
      this._retry(false);
      return;
    }
    this.ws = ws;
    let gotFrame = false;
    ws.onopen = () => { if (this.ws === ws) this._state('live'); };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (!gotFrame) { gotFrame = true; this.attempt = 0; }
      if (typeof ev.data !== 'string') return;
      let msg = null;
      try { msg = JSON.parse(ev.data); } catch { /* several JSONL lines: a bare frame */ }
      if (msg && typeof msg === 'object' && typeof msg.type === 'string') this._frame(msg, ws);
      else this._bare(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      // Without envelopes there is no `end` frame: a normal close is the end of the log.
      if (this.bare && ev.code === 1000) { this.ended = true; this.o.onEnd?.(undefined, this.next); }
      if (this.ended) { this._state('ended', { status: this.endStatus }); return; }
      // 1000 without an `end` frame (a restart, a proxy) still means: resume where we were.
      this._retry(gotFrame, ev.code);
    };
    ws.onerror = () => { /* onclose follows and decides */ };
  }

  _frame(msg, ws) {
    switch (msg.type) {
      case 'lines': {
        const first = Number(msg.first);
        const next = Number(msg.next);
        if (!(next > this.next)) return; // all seen already
        let data = typeof msg.data === 'string' ? msg.data : '';
        if (!this.o.step) {
          if (first > this.next) {
            // A hole in an unfiltered stream: never render past it; fetch it again.
            console.warn(`log stream: gap ${this.next}..${first}, resuming from ${this.next}`);
            try { ws.close(4000, 'gap'); } catch { /* closing anyway */ }
            return;
          }
          if (first < this.next) data = dropLines(data, this.next - first);
        }
        const from = Math.max(first, this.next);
        this.next = next;
        if (data) this.o.onLines(from, next, data);
        break;
      }
      case 'position':
        if (Number(msg.next) > this.next) this.next = Number(msg.next);
        break;
      case 'end':
        if (Number(msg.next) > this.next) this.next = Number(msg.next);
        this.ended = true;
        this.endStatus = msg.status;
        this.o.onEnd?.(msg.status, this.next);
        break;
      default:
        break; // unknown frame types are for newer clients
    }
  }

  /**
   * A server that ignores control=true (the original's protocol) sends bare JSONL. Its lines
   * still arrive in order, so count them to keep a position for the reconnect.
   */
  _bare(data) {
    if (!data) return;
    this.bare = true;
    let n = 0;
    for (let i = data.indexOf('\n'); i >= 0; i = data.indexOf('\n', i + 1)) n++;
    if (!data.endsWith('\n')) n++;
    const first = this.next;
    this.next += n;
    this.o.onLines(first, this.next, data.endsWith('\n') ? data : `${data}\n`);
  }

  async _retry(hadFrames, code) {
    if (this.stopped) return;
    if (!hadFrames && this.o.probe) {
      // A refused upgrade looks like any drop from here; ask the REST API why (it also
      // prompts for a token on 401, which the next attempt then uses).
      let keepGoing = true;
      try { keepGoing = await this.o.probe(); } catch { keepGoing = true; }
      if (this.stopped) return;
      if (!keepGoing) { this._state('failed', { reason: 'gone' }); return; }
    }
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt++;
    this._state('reconnecting', { delay, code, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => this._connect(), delay);
  }

  /** Reconnects now instead of waiting out the backoff (the user pressed "Retry"). */
  retryNow() {
    if (this.ws || this.stopped || this.ended) return;
    clearTimeout(this.timer);
    this._connect();
  }
}

function dropLines(data, n) {
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const nl = data.indexOf('\n', pos);
    if (nl < 0) return '';
    pos = nl + 1;
  }
  return data.slice(pos);
}

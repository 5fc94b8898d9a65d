// The "Server Events" panel of the job detail page: the job's `_server` lines (hook failures,
// orchestration errors, recovery timeouts), live. It has its own socket filtered by the server
// (step=_server), so it is complete within moments even while the main viewer is still
// loading a million-line backfill, and it never depends on the viewer's filters.
import { h, setText } from '../dom.js';
import { api, ApiError } from '../api.js';
import { formatClock, formatDateTime } from '../format.js';
import { plainText } from './ansi.js';
import { LogFollower } from './log-follower.js';

const SOURCE = /^\[([A-Za-z0-9_-]+)\]\s*/;

export class ServerEventsPanel {
  constructor({ jobId }) {
    this.jobId = jobId;
    this.count = 0;
    this.badge = h('span', { class: 'count-badge', dataset: { testid: 'server-events-count' }, 'aria-label': '0 server events' }, '0');
    this.list = h('ol', { class: 'events', dataset: { testid: 'server-events-list' } });
    this.empty = h('p', { class: 'muted events-empty', dataset: { testid: 'server-events-empty' } }, 'Loading…');
    this.status = h('span', { class: 'muted small' });
    this.el = h('section', { class: 'panel server-events', 'aria-labelledby': `se-${jobId}`, dataset: { testid: 'server-events', count: '0' } },
      h('div', { class: 'panel-head' },
        h('h2', { id: `se-${jobId}` }, 'Server Events ', this.badge),
        this.status),
      this.empty,
      this.list);
  }

  start() {
    this.follower = new LogFollower({
      jobId: this.jobId,
      step: '_server',
      onLines: (_f, _n, data) => this._add(data),
      onState: (state) => {
        setText(this.status, state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting…' : '');
        if (this.count === 0) setText(this.empty, state === 'ended' ? 'No server events. Hook failures, orchestration errors and recovery timeouts would show here.' : state === 'failed' ? 'Server events could not be loaded.' : 'No server events so far.');
      },
      probe: async () => {
        try { await api.job(this.jobId); return true; } catch (e) { return !(e instanceof ApiError && e.status === 404); }
      },
    }).start(0);
  }

  destroy() { this.follower?.stop(); }

  _add(data) {
    const items = [];
    for (const json of data.split('\n')) {
      if (!json) continue;
      let o;
      try { o = JSON.parse(json); } catch { o = { line: json }; }
      if (o.step !== undefined && o.step !== '_server') continue; // belt and braces: only server events
      const text = plainText(String(o.line ?? ''));
      const m = SOURCE.exec(text);
      const ts = Date.parse(o.ts);
      // The source tag keeps its brackets so the event reads exactly as the server wrote it.
      items.push(h('li', { class: 'event', dataset: { testid: 'server-event', source: m ? m[1] : '', message: text } },
        h('time', { class: 'event-time mono', datetime: o.ts || null, title: o.ts ? `${formatDateTime(ts)} (${o.ts})` : null }, formatClock(ts)),
        m ? h('span', { class: `event-source src-${m[1].toLowerCase()}` }, `[${m[1]}]`) : null,
        ' ',
        h('span', { class: 'event-msg' }, m ? text.slice(m[0].length) : text)));
    }
    if (!items.length) return;
    this.list.append(...items);
    this.count += items.length;
    this.empty.hidden = true;
    setText(this.badge, this.count);
    this.badge.setAttribute('aria-label', `${this.count} server event${this.count === 1 ? '' : 's'}`);
    this.badge.classList.add('has-events');
    this.el.dataset.count = String(this.count);
  }
}

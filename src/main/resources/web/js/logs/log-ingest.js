// Parses incoming JSONL frames into the store in time slices. A backfill of a million lines
// arrives as many large frames; parsing them all in the socket's message handlers would
// freeze scrolling and typing for seconds, so each slice stops after ~8 ms and yields to the
// event loop (a MessageChannel hop, which unlike setTimeout is not clamped to 4 ms).

const SLICE_MS = 8;

export class IngestQueue {
  constructor(store, onProgress) {
    this.store = store;
    this.onProgress = onProgress;
    this.frames = [];
    this.offset = 0; // char offset into frames[0]
    this.scheduled = false;
    this.stopped = false;
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => this._run();
  }

  add(data) {
    if (this.stopped || !data) return;
    this.frames.push(data);
    this._schedule();
  }

  get busy() { return this.frames.length > 0; }

  /** Forgets frames not parsed yet (the viewer moved away from the live end of the log). */
  clear() {
    this.frames = [];
    this.offset = 0;
  }

  stop() {
    this.stopped = true;
    this.frames = [];
    this.channel.port1.onmessage = null;
    this.channel.port1.close();
  }

  _schedule() {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  _run() {
    this.scheduled = false;
    if (this.stopped) return;
    const deadline = performance.now() + SLICE_MS;
    while (this.frames.length && performance.now() < deadline) {
      const data = this.frames[0];
      this.offset = this.store.appendJsonl(data, this.offset, deadline);
      if (this.offset >= data.length) { this.frames.shift(); this.offset = 0; }
    }
    this.onProgress();
    if (this.frames.length) this._schedule();
  }
}

// Polls while the tab is visible: no requests from a background tab, and an immediate
// refresh when the user comes back. The next poll is scheduled only after the previous
// one finished, so a slow server never gets overlapping requests.

export function startPolling(fn, intervalMs) {
  let timer = null;
  let stopped = false;
  let running = false;
  let again = false;
  const interval = intervalMs;

  async function tick() {
    timer = null;
    if (stopped || document.hidden) return;
    if (running) { again = true; return; } // asked for fresh data mid-request: run once more after it
    running = true;
    try { await fn(); } catch (e) { console.warn('poll failed', e); }
    running = false;
    if (again && !stopped) { again = false; tick(); return; }
    schedule();
  }
  function schedule() {
    if (stopped || document.hidden || timer) return;
    timer = setTimeout(tick, typeof interval === 'function' ? interval() : interval);
  }
  function onVisibility() {
    if (document.hidden) { clearTimeout(timer); timer = null; } else if (!running) tick();
  }
  document.addEventListener('visibilitychange', onVisibility);
  schedule();
  return {
    stop() { stopped = true; clearTimeout(timer); document.removeEventListener('visibilitychange', onVisibility); },
    /** Polls right now (e.g. after an action), then resumes the rhythm. */
    now() { clearTimeout(timer); timer = null; return tick(); },
  };
}

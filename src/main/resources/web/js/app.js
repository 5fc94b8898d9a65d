// Entry point: routes and the navigation highlight. Everything else lives in the page modules.
import { h } from './dom.js';
import { route, startRouter } from './router.js';
import { mountJobs } from './pages/jobs.js';
import { mountDashboard } from './pages/dashboard.js';
import { mountTask } from './pages/task.js';
import { mountWorkers, mountWorker } from './pages/workers.js';
import { mountWorkspaces } from './pages/workspaces.js';
import { mountTasks } from './pages/tasks.js';
import { mountJobDetail } from './pages/job-detail.js';
import { mountLogin, mountLoginCallback } from './pages/login.js';
import { loadConfig, usersMode, refreshSession, signedIn, logout, onSessionChange, goToLogin } from './auth.js';

route('/', mountDashboard);
route('/jobs', mountJobs);
route('/tasks', mountTasks);
route('/tasks/:ws/:name', mountTask);
route('/workers', mountWorkers);
route('/workers/:id', mountWorker);
route('/workspaces', mountWorkspaces);
route('/jobs/:id', mountJobDetail);
route('/login', mountLogin);
route('/login/callback', mountLoginCallback);
route('.*', (container) => {
  document.title = 'Not found · Strøm';
  container.append(h('h1', null, 'Page not found'),
    h('p', null, 'There is nothing at this address. ', h('a', { href: '/' }, 'Go to the dashboard.')));
});

/** With users: a Sign out button in the top bar while signed in. */
function sessionControls() {
  const button = h('button', { type: 'button', class: 'button small', hidden: true, dataset: { testid: 'logout' },
    onclick: async () => { await logout(); goToLogin(); } }, 'Sign out');
  document.querySelector('.topbar').append(button);
  const show = (on) => { button.hidden = !on; };
  onSessionChange(show);
  show(signedIn());
}

await loadConfig();
if (usersMode()) {
  sessionControls();
  // A reload keeps the session through the HttpOnly cookie; without one, the login page.
  if (!location.pathname.startsWith('/login') && !(await refreshSession())) {
    const next = location.pathname + location.search;
    history.replaceState(null, '', `/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`);
  }
}

startRouter(document.getElementById('main'), {
  onNavigate(path) {
    const section = path === '/' ? 'dashboard' : (path.split('/')[1] || 'dashboard');
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  },
});

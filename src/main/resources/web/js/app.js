// Entry point: routes and the navigation highlight. Everything else lives in the page modules.
import { h } from './dom.js';
import { route, startRouter } from './router.js';
import { mountJobs } from './pages/jobs.js';
import { mountTasks } from './pages/tasks.js';
import { mountJobDetail } from './pages/job-detail.js';

route('/', mountJobs);
route('/jobs', mountJobs);
route('/tasks', mountTasks);
route('/jobs/:id', mountJobDetail);
route('.*', (container) => {
  document.title = 'Not found · Strøm';
  container.append(h('h1', null, 'Page not found'),
    h('p', null, 'There is nothing at this address. ', h('a', { href: '/' }, 'Go to the jobs list.')));
});

startRouter(document.getElementById('main'), {
  onNavigate(path) {
    const section = path.startsWith('/tasks') ? 'tasks' : 'jobs';
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  },
});

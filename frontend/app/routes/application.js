import Route from '@ember/routing/route';
import { service } from '@ember/service';
import { schedule } from '@ember/runloop';

export default class ApplicationRoute extends Route {
  @service session;
  @service router;

  constructor() {
    super(...arguments);
    // After navigating, move focus to the new page's heading so keyboard and
    // screen reader users start reading where the content changed.
    this.router.on('routeDidChange', (transition) => {
      if (!transition.from) return;
      schedule('afterRender', () => document.querySelector('main h1')?.focus());
    });
  }

  async beforeModel() {
    // Restores a stored session through POST /reauth (or drops it).
    await this.session.setup();
  }
}

'use strict';

module.exports = function (environment) {
  const ENV = {
    modulePrefix: 'frontend',
    environment,
    rootURL: '/',
    // The Worker serves index.html for every unknown path, but hash URLs keep
    // the API paths (/login, /reauth, /api/*) and the app's routes apart.
    locationType: 'hash',
    EmberENV: {
      EXTEND_PROTOTYPES: false,
      FEATURES: {},
    },
    APP: {},

    'ember-simple-auth': {
      // ember-simple-auth 8.4's explicit setup: app/services/session.js
      // builds the store and the authenticators itself.
      useResolver: false,
      routeAfterAuthentication: 'private',
    },

    torii: {
      // The popup lands on the static /torii/redirect.html, never on the app,
      // so torii's "am I the popup?" check at boot is not needed.
      disableRedirectInitializer: true,
      // Provider settings come from GET /auth/config at run time
      // (app/torii/google-oauth2.js), so one build serves every environment.
      providers: {},
    },
  };

  if (environment === 'test') {
    ENV.locationType = 'none';
    ENV.APP.LOG_ACTIVE_GENERATION = false;
    ENV.APP.LOG_VIEW_LOOKUPS = false;
    ENV.APP.rootElement = '#ember-testing';
    ENV.APP.autoboot = false;
  }

  return ENV;
};

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
    // Empty on purpose: the Google provider is configured at run time from
    // GET /auth/config (app/torii/adapter.js), so one build serves every
    // environment. (torii warns at build time when the key is missing.)
    torii: {},
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

import Service from '@ember/service';

// torii's own session service imports the `ember` module, which Ember 7 no
// longer has. ember-simple-auth is the session here, so this stands in for it.
export default class ToriiSessionService extends Service {}

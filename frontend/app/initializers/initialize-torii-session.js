// Replaces torii's initializer of the same name: ember-simple-auth, not
// torii, keeps the session.
export function initialize() {}

export default { name: 'torii-session', after: 'torii', initialize };

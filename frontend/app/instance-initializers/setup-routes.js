// Replaces torii's instance initializer of the same name: its authenticated
// routes need torii's session (and the removed `ember` module).
// ember-simple-auth guards the routes instead.
export function initialize() {}

export default { name: 'torii-setup-routes', initialize };

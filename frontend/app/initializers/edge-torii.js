import GoogleOauth2 from '../torii/google-oauth2';
import Popup from '../torii/popup';

// Puts this app's google-oauth2 provider (runtime config, server state, PKCE)
// and popup service in place of torii's.
export function initialize(application) {
  application.unregister('torii-provider:google-oauth2');
  application.register('torii-provider:google-oauth2', GoogleOauth2);
  application.unregister('torii-service:popup');
  application.register('torii-service:popup', Popup);
}

export default { name: 'edge-torii', after: 'torii', initialize };

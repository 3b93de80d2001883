/**
 * Why the Google popup did not give us an authorization code.
 *
 * `code` is one of this app's own codes (lib/popup-answer.js lists them);
 * `providerError` is the OAuth2 `error` Google sent, but only when it is one
 * of the values lib/popup-answer.js knows: text from the popup's URL never
 * gets into an error, so it can never reach the page.
 */
export class SignInError extends Error {
  constructor(code, { providerError = null } = {}) {
    super(providerError ? `${code} (${providerError})` : code);
    this.name = 'SignInError';
    this.code = code;
    this.providerError = providerError;
  }
}

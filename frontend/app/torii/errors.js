/** Why the Google popup did not give us an authorization code. */
export class SignInError extends Error {
  constructor(code, detail = '') {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'SignInError';
    this.code = code;
    this.detail = detail;
  }
}

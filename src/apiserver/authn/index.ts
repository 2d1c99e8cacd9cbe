// Authentication: who a request is from (client certificate or bearer token), and the 401.
export { isAnonymousAllowed } from './anonymous.js';
export { authenticateRequest, type AuthenticationResult } from './authenticate-request.js';
export { BearerTokenAuthenticator, bearerToken, type BearerTokenAuthenticatorOptions, type StaticToken } from './bearer-token.js';
export { ClientCertificateAuthenticator, type ClientCertificateAuthenticatorOptions } from './client-certificate.js';
export { loadTokenFile, parseTokenFile, TokenFileError, type ParsedTokenFile } from './token-file.js';
export {
  AuthenticationError,
  anonymousUser,
  authenticatedUser,
  isAuthenticationError,
  SYSTEM_ANONYMOUS,
  SYSTEM_AUTHENTICATED,
  SYSTEM_MASTERS,
  SYSTEM_UNAUTHENTICATED,
  type AuthenticationErrorCode,
  type Authenticator,
  type UserInfo,
} from './types.js';
export { UnionAuthenticator, type UnionAuthenticatorOptions } from './union.js';
export { respondUnauthorized, unauthorizedStatus, type UnauthorizedStatus } from './unauthorized.js';

// Who a request is from. Authenticators look at a request and either name its user, find no
// credentials of their kind (undefined), or reject credentials that are present but wrong by throwing
// an AuthenticationError: a bad token must end in 401, never fall through to anonymous.
import type { IncomingMessage } from 'node:http';

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: string[];
}

export interface Authenticator {
  /**
   * The user the request's credentials prove, or undefined when it carries none of this
   * authenticator's kind. Throws (or rejects with) an `AuthenticationError` when it carries
   * credentials of this kind that are invalid.
   */
  authenticate(request: IncomingMessage): UserInfo | undefined | Promise<UserInfo | undefined>;
}

export type AuthenticationErrorCode =
  | 'InvalidToken' // a bearer token that matches no known token
  | 'InvalidClientCertificate' // a client certificate that does not verify against our CA, or is not for clients
  | 'NoCredentials'; // nothing to authenticate with, on a path that is not public

export class AuthenticationError extends Error {
  constructor(
    readonly code: AuthenticationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `AuthenticationError(${code})`;
  }
}

export function isAuthenticationError(error: unknown): error is AuthenticationError {
  return error instanceof AuthenticationError;
}

/** Kubernetes' well-known users and groups. */
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_ANONYMOUS = 'system:anonymous';
export const SYSTEM_MASTERS = 'system:masters';

/** Every authenticated user is in `system:authenticated` (Kubernetes adds it the same way). */
export function authenticatedUser(name: string, groups: readonly string[], uid?: string): UserInfo {
  const all = groups.filter((g) => g.length > 0);
  if (!all.includes(SYSTEM_AUTHENTICATED)) all.push(SYSTEM_AUTHENTICATED);
  return uid !== undefined && uid.length > 0 ? { name, uid, groups: all } : { name, groups: all };
}

export function anonymousUser(): UserInfo {
  return { name: SYSTEM_ANONYMOUS, groups: [SYSTEM_UNAUTHENTICATED] };
}

// The authentication step of request handling: credentials, else anonymous for the public paths,
// else 401. Kept apart from the HTTP server so the handler chain decides how to use the result.
import type { IncomingMessage } from 'node:http';
import { isAnonymousAllowed } from './anonymous.js';
import { AuthenticationError, anonymousUser, type Authenticator, type UserInfo } from './types.js';

export type AuthenticationResult =
  | { readonly outcome: 'authenticated'; readonly user: UserInfo }
  | { readonly outcome: 'anonymous'; readonly user: UserInfo }
  | { readonly outcome: 'rejected'; readonly error: AuthenticationError };

export async function authenticateRequest(authenticator: Authenticator, request: IncomingMessage): Promise<AuthenticationResult> {
  let user: UserInfo | undefined;
  try {
    user = await authenticator.authenticate(request);
  } catch (error) {
    if (error instanceof AuthenticationError) return { outcome: 'rejected', error };
    throw error;
  }
  if (user !== undefined) return { outcome: 'authenticated', user };
  if (isAnonymousAllowed(request.method, request.url)) return { outcome: 'anonymous', user: anonymousUser() };
  return { outcome: 'rejected', error: new AuthenticationError('NoCredentials', 'no credentials provided') };
}

// Bearer tokens (`Authorization: Bearer <token>`) checked against a fixed set: the static token
// file's records and tokens the server itself mints (the admin's, a built-in component's).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, authenticatedUser, type Authenticator, type UserInfo } from './types.js';

export interface StaticToken {
  readonly token: string;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly groups: readonly string[];
}

export interface BearerTokenAuthenticatorOptions {
  readonly tokens: readonly StaticToken[];
}

/**
 * The token of an `Authorization: Bearer` header, or undefined when there is none. Parsed as
 * Kubernetes does: scheme case-insensitive, surrounding spaces ignored, nothing after the token.
 */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization?.trim();
  if (header === undefined) return undefined;
  const parts = header.split(' ');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1];
  return token === undefined || token.length === 0 ? undefined : token;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class BearerTokenAuthenticator implements Authenticator {
  // Compared by SHA-256 digest: equal lengths for timingSafeEqual, and no token in memory twice.
  private readonly entries: ReadonlyArray<{ readonly digest: Buffer; readonly user: UserInfo }>;

  constructor(options: BearerTokenAuthenticatorOptions) {
    const entries = new Map<string, { digest: Buffer; user: UserInfo }>();
    for (const t of options.tokens) {
      if (t.token.length === 0) throw new TypeError('a static token must not be empty');
      if (t.name.length === 0) throw new TypeError('a static token needs a user name');
      const d = digest(t.token);
      entries.set(d.toString('hex'), { digest: d, user: authenticatedUser(t.name, t.groups, t.uid) });
    }
    this.entries = [...entries.values()];
  }

  authenticate(request: IncomingMessage): UserInfo | undefined {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: UserInfo | undefined;
    // Look at every entry whatever matches, so the time taken says nothing about which did.
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry.user;
    }
    if (found === undefined) throw new AuthenticationError('InvalidToken', 'invalid bearer token');
    return { ...found, groups: [...found.groups] };
  }
}

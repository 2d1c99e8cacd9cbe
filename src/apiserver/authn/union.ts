// Several authenticators in turn, as Kubernetes' union authenticator: the first that names a user
// wins; if none does and any rejected its credentials, the request is rejected (so a bad token is a
// 401 even when no other credentials are present); otherwise there were no credentials at all.
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, type Authenticator, type UserInfo } from './types.js';

export interface UnionAuthenticatorOptions {
  readonly authenticators: readonly Authenticator[];
}

export class UnionAuthenticator implements Authenticator {
  private readonly authenticators: readonly Authenticator[];

  constructor(options: UnionAuthenticatorOptions) {
    this.authenticators = [...options.authenticators];
  }

  async authenticate(request: IncomingMessage): Promise<UserInfo | undefined> {
    const errors: AuthenticationError[] = [];
    for (const authenticator of this.authenticators) {
      try {
        const user = await authenticator.authenticate(request);
        if (user !== undefined) return user;
      } catch (error) {
        // Anything else is a bug, not a verdict on the credentials: let it become a 500.
        if (!(error instanceof AuthenticationError)) throw error;
        errors.push(error);
      }
    }
    const [first] = errors;
    if (first === undefined) return undefined;
    if (errors.length === 1) throw first;
    throw new AuthenticationError(first.code, errors.map((e) => e.message).join('; '), {
      cause: new AggregateError(errors),
    });
  }
}

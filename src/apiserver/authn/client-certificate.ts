// Client certificates: the TLS layer has already checked the chain against our CA (the HTTPS server
// runs with `requestCert: true, rejectUnauthorized: false, ca: [caPem]`); this reads the verdict and
// the subject: user = CN, groups = O, as Kubernetes' x509 authenticator does.
//
// Only the CA(s) of the server's `ca` option are trusted for clients, so that option must hold the
// client CA and nothing else.
import type { IncomingMessage } from 'node:http';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import { AuthenticationError, authenticatedUser, type Authenticator, type UserInfo } from './types.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';

export interface ClientCertificateAuthenticatorOptions {
  /** The clock, for tests. */
  readonly now?: () => Date;
}

type NameValue = string | string[] | undefined;

function values(value: NameValue): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export class ClientCertificateAuthenticator implements Authenticator {
  private readonly now: () => Date;

  constructor(options: ClientCertificateAuthenticatorOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  /** The peer certificate cannot change on a connection: parse it once per socket, not per request. */
  private readonly peers = new WeakMap<TLSSocket, Partial<PeerCertificate>>();

  authenticate(request: IncomingMessage): UserInfo | undefined {
    const socket = request.socket;
    if (!(socket instanceof TLSSocket)) return undefined;
    let peer = this.peers.get(socket);
    if (peer === undefined) {
      peer = socket.getPeerCertificate();
      this.peers.set(socket, peer);
    }
    // No certificate presented: an empty object.
    if (peer.raw === undefined) return undefined;
    if (!socket.authorized) {
      const reason = socket.authorizationError instanceof Error ? socket.authorizationError.message : String(socket.authorizationError);
      throw new AuthenticationError('InvalidClientCertificate', `x509: certificate rejected: ${reason}`);
    }
    // The handshake checked the dates, but a connection can outlive its certificate.
    if (peer.valid_to !== undefined && new Date(peer.valid_to) < this.now()) {
      throw new AuthenticationError('InvalidClientCertificate', 'x509: certificate has expired');
    }
    const usages = (peer as { ext_key_usage?: string[] }).ext_key_usage;
    if (usages !== undefined && !usages.includes(CLIENT_AUTH_OID) && !usages.includes(ANY_EXTENDED_KEY_USAGE_OID)) {
      throw new AuthenticationError('InvalidClientCertificate', 'x509: certificate specifies an incompatible key usage');
    }
    const subject = (peer.subject ?? {}) as unknown as Record<string, NameValue>;
    // Go reads the last CN of a subject; so do we.
    const name = values(subject.CN).at(-1);
    if (name === undefined || name.length === 0) return undefined;
    return authenticatedUser(name, values(subject.O));
  }
}

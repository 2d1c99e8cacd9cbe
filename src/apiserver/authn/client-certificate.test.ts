import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ClientCertificateAuthenticator } from './client-certificate.js';
import { AuthenticationError } from './types.js';

// The real handshake is covered by https.test.ts; this drives the decisions with a stand-in socket.
interface FakePeer {
  raw?: Buffer;
  subject?: Record<string, string | string[]>;
  valid_to?: string;
  ext_key_usage?: string[];
}

function tlsRequest(peer: FakePeer, authorized = true, authorizationError?: string): IncomingMessage {
  const socket = Object.create(TLSSocket.prototype) as TLSSocket;
  Object.defineProperty(socket, 'authorized', { value: authorized });
  Object.defineProperty(socket, 'authorizationError', { value: authorizationError });
  Object.defineProperty(socket, 'getPeerCertificate', { value: () => peer });
  return { socket } as unknown as IncomingMessage;
}

const valid: FakePeer = {
  raw: Buffer.from('cert'),
  subject: { O: ['system:masters', 'dev'], CN: 'jane' },
  valid_to: 'Jan  1 00:00:00 2100 GMT',
  ext_key_usage: ['1.3.6.1.5.5.7.3.2'],
};

describe('ClientCertificateAuthenticator', () => {
  const authenticator = new ClientCertificateAuthenticator();

  it('reads CN as the user and every O as a group', () => {
    expect(authenticator.authenticate(tlsRequest(valid))).toEqual({ name: 'jane', groups: ['system:masters', 'dev', 'system:authenticated'] });
    expect(authenticator.authenticate(tlsRequest({ ...valid, subject: { O: 'ops', CN: ['first', 'last'] } }))).toEqual({
      name: 'last',
      groups: ['ops', 'system:authenticated'],
    });
  });

  it('has nothing to say on plain TCP, without a certificate, or without a CN', () => {
    expect(authenticator.authenticate({ socket: new Socket() } as IncomingMessage)).toBeUndefined();
    expect(authenticator.authenticate(tlsRequest({}, false, 'UNABLE_TO_GET_ISSUER_CERT'))).toBeUndefined();
    expect(authenticator.authenticate(tlsRequest({ ...valid, subject: { O: 'x' } }))).toBeUndefined();
  });

  it('rejects a certificate that did not verify, has expired, or is not for clients', () => {
    expect(() => authenticator.authenticate(tlsRequest(valid, false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toThrow(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
    const later = new ClientCertificateAuthenticator({ now: () => new Date('2101-01-01T00:00:00Z') });
    expect(() => later.authenticate(tlsRequest(valid))).toThrow(/expired/);
    expect(() => authenticator.authenticate(tlsRequest({ ...valid, ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }))).toThrow(AuthenticationError);
    expect(authenticator.authenticate(tlsRequest({ ...valid, ext_key_usage: undefined }))?.name).toBe('jane');
  });
});

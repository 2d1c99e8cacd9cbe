// Joining a node, as k3s does: the server's node token is "K10<sha256 of the CA>::node:<secret>"
// (src/pki/node-token.ts). An agent given that token fetches the CA from /cacerts without
// trusting anyone, accepts it only if its hash matches, then talks to the server over verified
// HTTPS with the secret as a bearer token. The server's own superlet joins the same way.
import { createHash, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { ClientConfig } from './kubeconfig.js';
import { RestClient } from './rest-client.js';

export interface NodeToken {
  /** sha256 of the CA certificate (DER), hex; absent when the token is only a secret. */
  readonly caHash?: string;
  /** What the agent sends as its bearer token. */
  readonly bearer: string;
}

export class NodeTokenError extends Error {
  readonly code = 'NodeToken';
}

export function caHashOf(caPem: string): string {
  return createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex');
}

export function parseNodeToken(token: string): NodeToken {
  const match = /^K10([0-9a-f]{64})::(.+)$/.exec(token.trim());
  if (match?.[1] !== undefined && match[2] !== undefined) return { caHash: match[1], bearer: match[2] };
  if (token.trim() === '') throw new NodeTokenError('the node token is empty');
  return { bearer: token.trim() };
}

/** Fetches the server's CA from /cacerts (unverified), and keeps it only if its hash is the token's. */
export async function fetchClusterCa(server: string, token: NodeToken): Promise<string> {
  if (token.caHash === undefined) throw new NodeTokenError('the token carries no CA hash (K10<hash>::...): pass --ca-file');
  const pem = await new Promise<string>((resolve, reject) => {
    const req = request(new URL('/cacerts', server), { rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new NodeTokenError(`${server}/cacerts answered ${res.statusCode ?? '?'}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new NodeTokenError(`${server} did not answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
  if (caHashOf(pem) !== token.caHash) throw new NodeTokenError(`the CA served by ${server} does not match the token's hash: refusing to join`);
  return pem;
}

/** The client settings an agent (or the server's own superlet) uses after joining; checks the server accepts them. */
export async function joinCluster(options: { server: string; token: string; caPem?: string }): Promise<ClientConfig> {
  const token = parseNodeToken(options.token);
  const caPem = options.caPem ?? (await fetchClusterCa(options.server, token));
  const config: ClientConfig = { server: options.server, caPem, token: token.bearer, userAgent: 'supernetes-superlet' };
  const client = new RestClient({ config });
  try {
    const answer = await client.request('GET', '/api');
    if (answer.status === 401) throw new NodeTokenError(`${options.server} refused the node token (401 Unauthorized): check --token`);
    if (answer.status >= 400) throw new NodeTokenError(`${options.server} answered ${answer.status} to the node's first request`);
  } finally {
    client.close();
  }
  return config;
}

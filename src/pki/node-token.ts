// The server's node token, made on first start and kept in DIR/node-token:
// "K10<sha256 of the CA certificate>::node:<secret>", as k3s writes it. Agents join with it
// (src/client/join.ts): the hash lets them trust the CA they fetch, the secret is their bearer token.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NodeTokenFile {
  /** The whole token, as `supernetes agent --token` takes it. */
  readonly token: string;
  /** The part the API server accepts as a bearer token. */
  readonly bearer: string;
  readonly path: string;
}

export async function ensureNodeToken(dataDir: string, caPem: string): Promise<NodeTokenFile> {
  const path = join(dataDir, 'node-token');
  if (existsSync(path)) {
    const token = (await readFile(path, 'utf8')).trim();
    const bearer = token.includes('::') ? token.slice(token.indexOf('::') + 2) : token;
    return { token, bearer, path };
  }
  const bearer = `node:${randomBytes(16).toString('hex')}`;
  const caHash = createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex');
  const token = `K10${caHash}::${bearer}`;
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return { token, bearer, path };
}

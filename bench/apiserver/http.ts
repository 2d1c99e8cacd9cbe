// The benchmark's HTTPS clients: plain node:https, each client with a keep-alive Agent of its own
// holding at most one socket, so N clients are N TLS connections (as N kubelets or controllers
// would be), all authenticated with the admin client certificate.
import { Agent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Credentials } from './server.js';

export interface Response {
  readonly status: number;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
  readonly timeoutMs?: number;
}

export class Client {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    credentials: Credentials,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      maxFreeSockets: 1,
      ca: credentials.ca,
      cert: credentials.cert,
      key: credentials.key,
      // The serving certificate names 127.0.0.1; no SNI for an IP address.
      servername: '',
    });
  }

  request(options: RequestOptions): Promise<Response> {
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method: options.method ?? 'GET',
          path: options.path,
          agent: this.agent,
          headers: {
            Accept: options.accept ?? 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(body.length) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        },
      );
      req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`${options.method ?? 'GET'} ${options.path}: no answer in time`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** A request that must answer `expected`; anything else throws with the server's message. */
  async expect(expected: number, options: RequestOptions): Promise<Buffer> {
    const response = await this.request(options);
    if (response.status !== expected) {
      throw new Error(`${options.method ?? 'GET'} ${options.path}: HTTP ${response.status} (expected ${expected}): ${response.body.toString('utf8').slice(0, 500)}`);
    }
    return response.body;
  }

  /**
   * A watch: calls `onLine` with each newline-terminated event (the raw bytes, not parsed: a
   * hundred watchers in one process must cost the benchmark less than they cost the server) and
   * the time it arrived. Returns at once: the server may hold back the response headers until
   * the first event (SuperAPIServer does), so `answered` resolves with them, or rejects on a
   * non-200 answer or a transport error; `close()` ends the watch.
   */
  watch(path: string, onLine: (line: Buffer, at: number) => void): { answered: Promise<void>; close: () => void } {
    let closed = false;
    const req = httpsRequest({ host: '127.0.0.1', port: this.port, method: 'GET', path, agent: this.agent, headers: { Accept: 'application/json' } });
    const answered = new Promise<void>((resolve, reject) => {
      req.on('error', (error) => {
        if (!closed) reject(error);
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        let partial: Buffer | undefined;
        res.on('error', () => {});
        res.on('data', (chunk: Buffer) => {
          const at = performance.now();
          let data = partial === undefined ? chunk : Buffer.concat([partial, chunk]);
          let newline = data.indexOf(10);
          while (newline !== -1) {
            onLine(data.subarray(0, newline), at);
            data = data.subarray(newline + 1);
            newline = data.indexOf(10);
          }
          partial = data.length === 0 ? undefined : data;
        });
      });
    });
    // Nobody may be waiting on `answered` when a closed watch fails.
    answered.catch(() => {});
    req.end();
    return {
      answered,
      close: () => {
        closed = true;
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

export function clients(port: number, credentials: Credentials, count: number): Client[] {
  return Array.from({ length: count }, () => new Client(port, credentials));
}

/** Established TCP connections from here to 127.0.0.1:`port`, to check that N clients are N connections. */
export function connectionsTo(port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // field 2: remote address, field 3: state ("01" = ESTABLISHED)
      if (fields[2]?.endsWith(hexPort) === true && fields[3] === '01') n++;
    }
  }
  return n;
}

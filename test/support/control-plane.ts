// An in-process SuperAPIServer control plane in a temporary directory, for integration tests that
// talk to it over HTTPS on 127.0.0.1 the way any client would: through @kubernetes/client-node
// (kubeConfig()) or through raw node:https requests with the admin client certificate (request()).
// restart() stops it and starts it again on the same data dir and the same port, so clients keep
// their kubeconfig; stop() also removes the directory.
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../src/apiserver/control-plane.js';

export interface TestControlPlaneOptions {
  /** Watch bookmark interval in ms (tests shorten it to see bookmarks quickly). */
  readonly bookmarkIntervalMs?: number;
  readonly maxInFlight?: number;
}

export interface RawRequest {
  readonly method?: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/configmaps?limit=1`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Send the admin client certificate (default true). */
  readonly authenticate?: boolean;
  /** Give up after this long (default 15 s). */
  readonly timeoutMs?: number;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length), in 64 KiB pieces. */
  readonly chunked?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface TestControlPlane {
  /** The running control plane (a new one after restart()). */
  readonly current: ControlPlane;
  readonly dataDir: string;
  readonly url: string;
  readonly port: number;
  readonly kubeconfigPath: string;
  /** A fresh client-node KubeConfig loaded from the admin kubeconfig. */
  kubeConfig(): KubeConfig;
  /** One raw HTTPS request to the server; never throws for an HTTP status, only for transport errors. */
  request(raw: RawRequest): Promise<RawResponse>;
  /** Stops the control plane and starts it again on the same data dir and port. */
  restart(): Promise<void>;
  /** Stops the control plane and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

interface Credentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

function credentialsOf(kubeconfigPath: string): Credentials {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const ca = kc.getCurrentCluster()?.caData;
  const user = kc.getCurrentUser();
  if (ca === undefined || user?.certData === undefined || user.keyData === undefined) {
    throw new Error(`the kubeconfig ${kubeconfigPath} has no CA or no client certificate`);
  }
  const decode = (data: string): string => Buffer.from(data, 'base64').toString('utf8');
  return { ca: decode(ca), cert: decode(user.certData), key: decode(user.keyData) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function send(port: number, credentials: Credentials, agent: Agent, raw: RawRequest): Promise<RawResponse> {
  const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, 'utf8');
  const options: RequestOptions = {
    host: '127.0.0.1',
    port,
    method: raw.method ?? 'GET',
    path: raw.path,
    ca: credentials.ca,
    // The serving certificate is for 127.0.0.1; no SNI for an IP address.
    servername: '',
    agent,
    headers: {
      ...(body === undefined || raw.chunked === true ? {} : { 'Content-Length': String(body.length) }),
      ...raw.headers,
    },
    ...(raw.authenticate === false ? {} : { cert: credentials.cert, key: credentials.key }),
  };
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpsRequest(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
    });
    req.setTimeout(raw.timeoutMs ?? 15_000, () => req.destroy(new Error(`${options.method} ${raw.path}: no answer in time`)));
    req.on('error', reject);
    if (body !== undefined && raw.chunked === true) {
      for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
    } else if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

export async function startTestControlPlane(options: TestControlPlaneOptions = {}): Promise<TestControlPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), 'supernetes-apiserver-test-'));
  const base: ControlPlaneOptions = {
    dataDir,
    bind: '127.0.0.1',
    ...(options.bookmarkIntervalMs === undefined ? {} : { bookmarkIntervalMs: options.bookmarkIntervalMs }),
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
  };
  let current: ControlPlane;
  try {
    current = await startControlPlane({ ...base, httpsPort: 0 });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = current.port;
  let credentials = credentialsOf(current.kubeconfigPath);
  // Keep-alive: the bad-input and fuzz tests send thousands of requests; one TLS handshake each
  // would dominate their time. A new agent after each restart: the old connections are gone.
  const newAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 32 });
  let agent = newAgent();
  let running = true;
  let removed = false;

  return {
    get current() {
      return current;
    },
    dataDir,
    url: current.url,
    port,
    kubeconfigPath: current.kubeconfigPath,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromFile(current.kubeconfigPath);
      return kc;
    },
    request(raw) {
      return send(port, credentials, agent, raw);
    },
    async restart() {
      agent.destroy();
      if (running) await current.stop();
      running = false;
      agent = newAgent();
      current = await startControlPlane({ ...base, httpsPort: port });
      running = true;
      credentials = credentialsOf(current.kubeconfigPath);
    },
    async stop() {
      agent.destroy();
      if (running) {
        running = false;
        await current.stop();
      }
      if (!removed) {
        removed = true;
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

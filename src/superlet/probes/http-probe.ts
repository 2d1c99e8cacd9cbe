// httpGet probes as the kubelet makes them (pkg/probe/http): GET with kube-probe's User-Agent and
// Accept */*, the pod's headers, a 10 KiB body cap, certificates not verified, redirects followed
// only to the same host (a redirect elsewhere ends the probe with a warning), one overall timeout.
// 200-399 is success, anything else failure; a transport error is a failure, not an error.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { goNetError, MAX_OUTPUT_BYTES, truncateOutput, type ProbeOutcome } from './probe-types.js';

/** The kubelet sends kube-probe/<major>.<minor> of the Kubernetes it is; Supernetes serves 1.33. */
export const PROBE_USER_AGENT = 'kube-probe/1.33';
const MAX_REDIRECTS = 10;

export interface HttpProbeRequest {
  url: URL;
  /** Header name → values, in the order given; `Host` sets the request's host. */
  headers: Map<string, string[]>;
  timeoutMs: number;
}

/** The URL the kubelet builds from scheme, host, port and path (query kept, never a different host). */
export function probeURL(scheme: string, host: string, port: number, path: string): URL {
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const url = new URL(`${scheme.toLowerCase() || 'http'}://${hostPort}/`);
  const hash = path.indexOf('#');
  const noFragment = hash === -1 ? path : path.slice(0, hash);
  const q = noFragment.indexOf('?');
  url.pathname = q === -1 ? noFragment : noFragment.slice(0, q);
  if (q !== -1) url.search = noFragment.slice(q);
  return url;
}

/** Go's canonical header key: `x-custom-header` → `X-Custom-Header`. */
function canonicalHeaderKey(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}

/** The pod's httpHeaders plus the kubelet's defaults. */
export function probeHeaders(headers: readonly { name: string; value: string }[] | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const h of headers ?? []) {
    const key = canonicalHeaderKey(h.name);
    out.set(key, [...(out.get(key) ?? []), h.value]);
  }
  if (!out.has('User-Agent')) out.set('User-Agent', [PROBE_USER_AGENT]);
  const accept = out.get('Accept');
  if (accept === undefined) out.set('Accept', ['*/*']);
  else if ((accept[0] ?? '') === '') out.delete('Accept');
  return out;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(url: URL, headers: Map<string, string[]>, signal: AbortSignal): Promise<Response> {
  const outgoing: Record<string, string | string[]> = { Connection: 'close' };
  for (const [k, v] of headers) outgoing[k] = v.length === 1 ? (v[0] ?? '') : v;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'GET', headers: outgoing, agent: false, signal, rejectUnauthorized: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_OUTPUT_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough body: stop reading, the rest does not matter.
        if (size >= MAX_OUTPUT_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', reject);
      function finish(): void {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        res.destroy();
      }
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs the probe; never throws. */
export async function httpProbe(request: HttpProbeRequest): Promise<ProbeOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  timer.unref();
  let url = request.url;
  const first = request.url;
  try {
    for (let redirects = 0; ; redirects++) {
      let res: Response;
      try {
        res = await get(url, request.headers, controller.signal);
      } catch (err) {
        return { result: 'failure', output: transportError(url, err, controller.signal.aborted) };
      }
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location !== undefined) {
        const next = new URL(location, url);
        if (next.hostname === first.hostname && (next.protocol === 'http:' || next.protocol === 'https:')) {
          if (redirects + 1 >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${JSON.stringify(next.href)}: stopped after ${MAX_REDIRECTS} redirects` };
          url = next;
          continue;
        }
      }
      const body = truncateOutput(res.body);
      if (res.status >= 200 && res.status < 400) {
        if (res.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
        return { result: 'success', output: body };
      }
      return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
    }
  } finally {
    clearTimeout(timer);
  }
}

// Go's client error: `Get "<url>": <cause>`, the cause as Go's net package words it.
function transportError(url: URL, err: unknown, timedOut: boolean): string {
  const prefix = `Get ${JSON.stringify(url.href)}: `;
  if (timedOut) return `${prefix}context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  // URL.hostname keeps an IPv6 address in brackets, as Go's JoinHostPort writes it.
  const addr = `${url.hostname}:${port}`;
  if (code === 'ENOTFOUND') return `${prefix}dial tcp: lookup ${url.hostname}: no such host`;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return `${prefix}dial tcp ${addr}: ${goNetError(err)}`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `${prefix}EOF`;
  return prefix + goNetError(err);
}

// pods/exec and pods/attach: after upstream's checks (container, streams, node) the client's
// upgrade request (WebSocket v5.channel.k8s.io from kubectl 1.30+, SPDY/3.1 from older ones) is
// proxied to the superlet's /exec or /attach, and the streams flow between the two untouched.
import { ApiError, badRequest, methodNotAllowed } from '../../api/api-errors.js';
import { describeAddress } from '../nodeproxy/superlet-connector.js';
import { forwardedHeaders, proxyUpgrade, relayedHeaders } from '../nodeproxy/upgrade-proxy.js';
import type { Handler } from './context.js';
import { boolParam, streamTarget, superletOf } from './pod-stream-target.js';

type StreamKind = 'exec' | 'attach';

interface StreamOptions {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function streamOptions(query: URLSearchParams): StreamOptions {
  return {
    container: query.get('container') ?? '',
    command: query.getAll('command'),
    stdin: boolParam(query, 'stdin'),
    stdout: boolParam(query, 'stdout'),
    stderr: boolParam(query, 'stderr'),
    tty: boolParam(query, 'tty'),
  };
}

/** The superlet's query, in the kubelet's parameter names (upstream's streamParams). */
function superletQuery(kind: StreamKind, options: StreamOptions): string {
  const params = new URLSearchParams();
  if (options.stdin) params.append('input', '1');
  if (options.stdout) params.append('output', '1');
  if (options.stderr) params.append('error', '1');
  if (options.tty) params.append('tty', '1');
  if (kind === 'exec') for (const part of options.command) params.append('command', part);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function streamHandler(kind: StreamKind): Handler {
  return async (context) => {
    if (context.info.verb !== 'get' && context.info.verb !== 'create') throw methodNotAllowed();
    const options = streamOptions(context.query);
    const target = await streamTarget(context, options.container);
    if (kind === 'exec' && options.command.length === 0) throw badRequest('you must specify at least one command for the container');
    if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    const { connector, address } = await superletOf(context, target);
    const { request, response } = context;
    // Only a request that came as an upgrade owns its socket (ApiServer's 'upgrade' path).
    if (request.headers.upgrade === undefined) throw badRequest('Upgrade request required');
    const path = `/${kind}/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.name)}/${encodeURIComponent(target.container)}${superletQuery(kind, options)}`;
    const upstream = connector.request(address, { method: request.method ?? 'GET', path, headers: forwardedHeaders(request), upgrade: true });
    let outcome;
    try {
      outcome = await proxyUpgrade(upstream, request.socket, context.signal);
    } catch (error) {
      upstream.destroy();
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(500, 'InternalError', `error dialing backend: ${message} (superlet at ${describeAddress(address)})`);
    }
    if (!outcome.upgraded) {
      // The superlet's refusal goes to the client as it is, as upstream's proxy relays the kubelet's.
      const refusal = outcome.response;
      response.writeHead(refusal.statusCode ?? 502, relayedHeaders(refusal.headers));
      await new Promise<void>((resolve) => {
        refusal.once('end', resolve);
        refusal.once('error', () => resolve());
        refusal.pipe(response);
      });
      return;
    }
    // From here the socket belongs to the two protocol ends; the response object is out of it.
    response.statusCode = 101;
    response.detachSocket(request.socket);
    await outcome.done;
  };
}

// pods/portforward: after upstream's checks (the pod is on a node, the ports asked for are valid)
// the client's upgrade request (SPDY/3.1 portforward.k8s.io, or a WebSocket tunnelling it with
// subprotocol SPDY/3.1+portforward.k8s.io from kubectl 1.31+) is proxied to the superlet's
// /portForward/{namespace}/{pod}, and the streams flow between the two untouched.
import { ApiError, badRequest, methodNotAllowed } from '../../api/api-errors.js';
import { describeAddress } from '../nodeproxy/superlet-connector.js';
import { forwardedHeaders, proxyUpgrade, relayedHeaders } from '../nodeproxy/upgrade-proxy.js';
import type { Handler } from './context.js';
import { superletOf } from './pod-stream-target.js';

/** Upstream PodPortForwardOptions validation: every ?ports= is a port number. */
function validatedPorts(query: URLSearchParams): string[] {
  const ports = query.getAll('ports').flatMap((value) => value.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  for (const port of ports) {
    const n = /^[0-9]+$/.test(port) ? Number(port) : NaN;
    if (!(n >= 1 && n <= 65535)) throw badRequest(`invalid port: ${JSON.stringify(port)}: port must be > 0 and < 65536`);
  }
  return ports;
}

export const portForwardHandler: Handler = async (context) => {
  if (context.info.verb !== 'get' && context.info.verb !== 'create') throw methodNotAllowed();
  const ports = validatedPorts(context.query);
  const name = context.info.name ?? '';
  const namespace = context.info.namespace ?? '';
  const pod = await context.resource.store.getCached(namespace, name);
  const { connector, address } = await superletOf(context, { pod, namespace, name, container: '' });
  const { request, response } = context;
  // Only a request that came as an upgrade owns its socket (ApiServer's 'upgrade' path).
  if (request.headers.upgrade === undefined) throw badRequest('Upgrade request required');
  const query = ports.length === 0 ? '' : `?${new URLSearchParams(ports.map((p): [string, string] => ['port', p])).toString()}`;
  const path = `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}${query}`;
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
    // The superlet's refusal goes to the client as it is (kubectl 1.31+ then falls back to SPDY).
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

// pods/portforward: after upstream's checks (the pod is on a node, the ports asked for are valid)
// the client's upgrade request (SPDY/3.1 portforward.k8s.io, or a WebSocket tunnelling it with
// subprotocol SPDY/3.1+portforward.k8s.io from kubectl 1.31+) is proxied to the superlet's
// /portForward/{namespace}/{pod}, and the streams flow between the two untouched.
import { badRequest, methodNotAllowed } from '../../api/api-errors.js';
import type { Handler } from './context.js';
import { relayUpgradeToSuperlet } from './superlet-upgrade.js';
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
  const superlet = await superletOf(context, { pod, namespace, name, container: '' });
  const query = ports.length === 0 ? '' : `?${new URLSearchParams(ports.map((p): [string, string] => ['port', p])).toString()}`;
  await relayUpgradeToSuperlet(context, superlet, `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}${query}`);
};

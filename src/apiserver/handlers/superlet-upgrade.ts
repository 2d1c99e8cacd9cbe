// What pods/exec, pods/attach and pods/portforward share once their own checks pass: the client's
// upgrade request goes to the superlet, and either the superlet's refusal is relayed as it is
// (as upstream's proxy relays the kubelet's; kubectl 1.31+ then falls back from WebSocket to SPDY)
// or the socket is handed over and the streams flow between the two ends untouched.
import { ApiError, badRequest } from '../../api/api-errors.js';
import { describeAddress, type SuperletAddress, type SuperletConnector } from '../nodeproxy/superlet-connector.js';
import { forwardedHeaders, proxyUpgrade, relayedHeaders, type UpgradeOutcome } from '../nodeproxy/upgrade-proxy.js';
import type { RequestContext } from './context.js';

export async function relayUpgradeToSuperlet(context: RequestContext, superlet: { connector: SuperletConnector; address: SuperletAddress }, path: string): Promise<void> {
  const { request, response } = context;
  const { connector, address } = superlet;
  // Only a request that came as an upgrade owns its socket (ApiServer's 'upgrade' path).
  if (request.headers.upgrade === undefined) throw badRequest('Upgrade request required');
  const upstream = connector.request(address, { method: request.method ?? 'GET', path, headers: forwardedHeaders(request), upgrade: true });
  let outcome: UpgradeOutcome;
  try {
    outcome = await proxyUpgrade(upstream, request.socket, context.signal);
  } catch (error) {
    upstream.destroy();
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError(500, 'InternalError', `error dialing backend: ${message} (superlet at ${describeAddress(address)})`);
  }
  if (!outcome.upgraded) {
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
}

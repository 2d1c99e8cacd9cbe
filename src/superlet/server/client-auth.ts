// Who may use the superlet's API: a client certificate signed by the cluster CA (checked by TLS
// against it) whose common name is allowed, by default only the API server's. Anything else gets
// 401 (no or unverifiable certificate) or 403 (a cluster identity that is not allowed), as the
// kubelet answers with its webhook authorizer denying.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export const DEFAULT_ALLOWED_CLIENTS: readonly string[] = ['supernetes:apiserver'];

export type ClientCheck = { readonly allowed: true; readonly user: string } | { readonly allowed: false; readonly code: 401 | 403; readonly message: string };

/** What the kubelet calls the resource of each path, for the 403 message. */
function subresourceOf(path: string): string {
  return path.split('/')[1] === 'healthz' ? 'healthz' : 'proxy';
}

export function checkClient(request: IncomingMessage, allowed: readonly string[]): ClientCheck {
  const socket = request.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return { allowed: false, code: 401, message: 'Unauthorized' };
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
  const cn = subject?.CN;
  const user = Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
  if (!allowed.includes(user)) {
    const verb = request.method === 'GET' || request.method === 'HEAD' ? 'get' : 'create';
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    return { allowed: false, code: 403, message: `Forbidden (user=${user}, verb=${verb}, resource=nodes, subresource=${subresourceOf(path)})` };
  }
  return { allowed: true, user };
}

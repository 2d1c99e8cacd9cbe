// Proxying an HTTP upgrade (WebSocket for kubectl 1.30+, SPDY/3.1 for older ones) to a superlet, as
// upstream's UpgradeAwareHandler: the client's upgrade request goes on to the superlet; when the
// superlet switches protocols its 101 goes back and the two sockets are spliced, byte for byte, so
// the streaming protocol is spoken end to end between client and superlet.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

/** Request headers that stay here: the caller's credentials are for the API server, not the node. */
const NOT_FORWARDED = new Set(['host', 'authorization', 'proxy-authorization', 'cookie', 'content-length', 'transfer-encoding', 'keep-alive']);

/** The client's headers for the superlet, repeated ones kept (SPDY clients send X-Stream-Protocol-Version several times). */
export function forwardedHeaders(request: IncomingMessage): OutgoingHttpHeaders {
  const headers: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (NOT_FORWARDED.has(name) || name.startsWith('impersonate-')) continue;
    (headers[name] ??= []).push(raw[i + 1] as string);
  }
  const from = request.socket.remoteAddress;
  if (from !== undefined) headers['x-forwarded-for'] = [[...(headers['x-forwarded-for'] ?? []), from].join(', ')];
  return headers;
}

export type UpgradeOutcome =
  /** The superlet switched protocols; `done` resolves when both sides have closed. */
  | { readonly upgraded: true; readonly done: Promise<void> }
  /** The superlet answered without upgrading (an error, usually): the caller relays it. */
  | { readonly upgraded: false; readonly response: IncomingMessage };

/**
 * Sends `upstream` (an upgrade request to the superlet, not yet ended) and, once the superlet
 * switches protocols, writes its 101 to `client` and splices the sockets. Rejects when the superlet
 * cannot be reached. `signal` tears an upgraded connection down (the API server stops).
 */
export function proxyUpgrade(upstream: ClientRequest, client: Duplex, signal: AbortSignal): Promise<UpgradeOutcome> {
  return new Promise<UpgradeOutcome>((resolve, reject) => {
    upstream.once('error', reject);
    upstream.once('response', (response) => resolve({ upgraded: false, response }));
    upstream.once('upgrade', (response: IncomingMessage, socket: Duplex, head: Buffer) => {
      upstream.off('error', reject);
      resolve({ upgraded: true, done: splice(client, socket, switchingProtocols(response), head, signal) });
    });
    upstream.end();
  });
}

function switchingProtocols(response: IncomingMessage): string {
  const lines = [`HTTP/1.1 101 ${response.statusMessage ?? 'Switching Protocols'}`];
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i] as string}: ${raw[i + 1] as string}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function splice(client: Duplex, superlet: Duplex, head: string, superletHead: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let open = 2;
    const closed = (): void => {
      if (--open === 0) {
        signal.removeEventListener('abort', teardown);
        resolve();
      }
    };
    const teardown = (): void => {
      client.destroy();
      superlet.destroy();
    };
    if (signal.aborted) {
      teardown();
    } else {
      signal.addEventListener('abort', teardown, { once: true });
    }
    client.once('close', closed);
    superlet.once('close', closed);
    // Either side failing ends the whole connection: a half-open exec helps nobody.
    client.once('error', teardown);
    superlet.once('error', teardown);
    client.once('close', () => superlet.destroy());
    superlet.once('close', () => client.destroy());
    client.write(head);
    if (superletHead.length > 0) client.write(superletHead);
    superlet.pipe(client);
    client.pipe(superlet);
  });
}

/** The headers of a superlet's refusal worth relaying to the client. */
export function relayedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const type = headers['content-type'];
  return type === undefined ? {} : { 'Content-Type': type };
}

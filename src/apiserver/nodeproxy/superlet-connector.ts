// How the API server reaches a node's superlet (for pods/log, pods/exec, pods/attach), as upstream's
// NodeConnectionInfoGetter does for the kubelet: the address and port come from the Node object,
// the connection is HTTPS with the API server's own client certificate (CN supernetes:apiserver),
// and the superlet's self-signed serving certificate is not verified (upstream's default too).
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { ApiError } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import type { Registry } from '../registry/registry.js';

export interface SuperletCredentials {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface SuperletAddress {
  readonly host: string;
  readonly port: number;
}

/** The kubelet's port, used when a node does not say which port its superlet listens on. */
export const DEFAULT_SUPERLET_PORT = 10250;
/** Which of a node's addresses is tried, in order. */
const ADDRESS_TYPES = ['InternalIP', 'Hostname'];

interface NodeAddress {
  type?: unknown;
  address?: unknown;
}

/** The superlet's address from a Node's status, or an error saying why there is none. */
export function superletAddressOf(node: KubeObject): SuperletAddress {
  const status = (node.status ?? {}) as { addresses?: unknown; daemonEndpoints?: { kubeletEndpoint?: { Port?: unknown } } };
  const addresses = (Array.isArray(status.addresses) ? status.addresses : []) as NodeAddress[];
  let host: string | undefined;
  for (const type of ADDRESS_TYPES) {
    const found = addresses.find((a) => a?.type === type && typeof a.address === 'string' && a.address !== '');
    if (found !== undefined) {
      host = found.address as string;
      break;
    }
  }
  if (host === undefined) {
    const known = addresses.map((a) => `{${String(a?.type)} ${String(a?.address)}}`).join(' ');
    // Upstream's wording (GetPreferredNodeAddress).
    throw new ApiError(500, 'InternalError', `no preferred addresses found; known addresses: [${known}]`);
  }
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  const valid = typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536;
  return { host, port: valid ? port : DEFAULT_SUPERLET_PORT };
}

export interface SuperletRequest {
  readonly method: string;
  /** Path and query, e.g. /containerLogs/ns/pod/c?follow=true. */
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  /** An upgrade takes the socket over: it gets a connection of its own, outside the pool. */
  readonly upgrade?: boolean;
}

export class SuperletConnector {
  private readonly agent: Agent;

  constructor(private readonly options: { readonly credentials: SuperletCredentials }) {
    this.agent = new Agent({ keepAlive: true, ...this.tls() });
  }

  /** The node's superlet address, read from the Node object as it is now. */
  async locate(registry: Registry, nodeName: string): Promise<SuperletAddress> {
    const nodes = registry.lookup('', 'v1', 'nodes');
    if (nodes === undefined) throw new ApiError(500, 'InternalError', 'nodes are not served');
    return superletAddressOf(await nodes.store.getCached(undefined, nodeName));
  }

  /** Starts a request to the superlet; the caller ends it and listens for response or upgrade. */
  request(address: SuperletAddress, request: SuperletRequest): ClientRequest {
    return httpsRequest({
      host: address.host,
      port: address.port,
      method: request.method,
      path: request.path,
      headers: request.headers ?? {},
      // SNI carries host names only.
      ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
      ...(request.upgrade === true ? { agent: false, ...this.tls() } : { agent: this.agent }),
    });
  }

  /** Closes idle pooled connections (the API server stops). */
  close(): void {
    this.agent.destroy();
  }

  private tls(): { cert: string; key: string; rejectUnauthorized: false; minVersion: 'TLSv1.2' } {
    return { cert: this.options.credentials.certPem, key: this.options.credentials.keyPem, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  }
}

/** "host:port" as a URL writes it (IPv6 in brackets), for messages. */
export function describeAddress(address: SuperletAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

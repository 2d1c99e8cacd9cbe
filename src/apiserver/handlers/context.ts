// What every resource handler gets: the parsed request, the resource and its store, the user.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid } from '../../api/api-errors.js';
import type { ResourceRequestInfo } from '../http/request-info.js';
import type { SuperletConnector } from '../nodeproxy/superlet-connector.js';
import type { RegisteredResource, Registry } from '../registry/registry.js';

/** Who is asking (the authenticator's answer). */
export interface RequestUser {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

export interface RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly info: ResourceRequestInfo;
  readonly resource: RegisteredResource;
  readonly registry: Registry;
  readonly query: URLSearchParams;
  readonly user: RequestUser;
  /** Aborts when the client goes away or the server stops. */
  readonly signal: AbortSignal;
  /** How pods/log and pods/exec reach a node's superlet; absent without superlet credentials. */
  readonly superlets?: SuperletConnector;
}

export type Handler = (context: RequestContext) => Promise<void>;

/** ?dryRun=All: run everything but the write. */
export function isDryRun(query: URLSearchParams, options = 'CreateOptions'): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) {
    if (value !== 'All') {
      // Upstream refuses an unknown dry-run directive and processes nothing.
      throw invalid(options, 'meta.k8s.io', '', [
        { reason: 'FieldValueNotSupported', field: 'dryRun', message: `dryRun: Unsupported value: "${value}": supported values: "All"` },
      ]);
    }
  }
  return values.length > 0;
}

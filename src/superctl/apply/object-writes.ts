// The writes the writing verbs send, with the two query parameters the REST client's typed verbs
// do not carry: dryRun=All (--dry-run=server) and fieldManager. Non-2xx answers throw ApiError.
import { ApiError } from '../../client/client-errors.js';
import { PATCH_CONTENT_TYPES, type PatchType, type RestClient } from '../../client/rest-client.js';
import { resourcePath, type ResourceType } from '../../client/resource-types.js';
import type { JsonObject } from '../../api/patch/json-value.js';

export type DryRun = 'none' | 'client' | 'server';

export interface WriteOptions {
  readonly dryRun?: DryRun;
  readonly fieldManager?: string;
  /** Server-side apply only: take over fields other managers own. */
  readonly force?: boolean;
}

/** --dry-run as kubectl reads it: bare means client; anything but none/client/server is refused. */
export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false) return 'none';
  if (value === true) return 'client';
  if (value === 'none' || value === 'client' || value === 'server') return value;
  throw new Error(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

/** " (dry run)" / " (server dry run)" after the operation, as kubectl prints it. */
export function dryRunSuffix(dryRun: DryRun | undefined): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

function query(options: WriteOptions): Record<string, string> {
  const q: Record<string, string> = {};
  if (options.dryRun === 'server') q['dryRun'] = 'All';
  if (options.fieldManager !== undefined) q['fieldManager'] = options.fieldManager;
  if (options.force === true) q['force'] = 'true';
  return q;
}

async function send(client: RestClient, method: string, path: string, body: string, contentType: string, options: WriteOptions): Promise<JsonObject> {
  const response = await client.request(method, path, { query: query(options), body, contentType });
  if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, method, path, response.body);
  return JSON.parse(response.body.toString('utf8')) as JsonObject;
}

export function createObject(client: RestClient, type: ResourceType, namespace: string | undefined, object: JsonObject, options: WriteOptions): Promise<JsonObject> {
  return send(client, 'POST', resourcePath(type, namespace), JSON.stringify(object), 'application/json', options);
}

export function patchObject(
  client: RestClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  patch: unknown,
  patchType: PatchType,
  options: WriteOptions,
): Promise<JsonObject> {
  const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
  return send(client, 'PATCH', resourcePath(type, namespace, name), body, PATCH_CONTENT_TYPES[patchType], options);
}

export function updateObject(client: RestClient, type: ResourceType, namespace: string | undefined, name: string, object: JsonObject, options: WriteOptions): Promise<JsonObject> {
  return send(client, 'PUT', resourcePath(type, namespace, name), JSON.stringify(object), 'application/json', options);
}

export function deleteObject(
  client: RestClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: WriteOptions & { gracePeriodSeconds?: number; propagationPolicy?: string },
): Promise<JsonObject> {
  const body: JsonObject = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (options.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = options.gracePeriodSeconds;
  if (options.propagationPolicy !== undefined) body['propagationPolicy'] = options.propagationPolicy;
  if (options.dryRun === 'server') body['dryRun'] = ['All'];
  return send(client, 'DELETE', resourcePath(type, namespace, name), JSON.stringify(body), 'application/json', options);
}

/** The live object, or undefined when there is none. */
export async function getObject(client: RestClient, type: ResourceType, namespace: string | undefined, name: string): Promise<JsonObject | undefined> {
  const path = resourcePath(type, namespace, name);
  const response = await client.request('GET', path);
  if (response.status === 404) return undefined;
  if (response.status < 200 || response.status > 299) throw ApiError.fromResponse(response.status, 'GET', path, response.body);
  return JSON.parse(response.body.toString('utf8')) as JsonObject;
}

/**
 * kubectl's line for a failed write of an object read from a file:
 * `Error from server (AlreadyExists): error when creating "cm.yaml": configmaps "x" already exists`.
 */
export function writeErrorLine(error: unknown, action: string, source: string): string {
  if (error instanceof ApiError && error.status !== 401) {
    const reason = error.reason === '' ? '' : ` (${error.reason})`;
    return `Error from server${reason}: error when ${action} "${source}": ${error.message}`;
  }
  return '';
}

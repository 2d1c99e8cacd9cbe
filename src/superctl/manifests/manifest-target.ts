// Where an object read from a manifest lives on the server: its resource (by apiVersion and kind,
// through discovery), its name, and its namespace (the file's, else -n, else the context's; a file
// naming another namespace than -n is refused, as kubectl refuses it).
import type { ApiResource } from '../resource-resolver.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { JsonObject, Manifest } from './read-manifests.js';

export interface ManifestTarget {
  readonly resource: ApiResource;
  readonly name: string;
  /** undefined for cluster-scoped resources. */
  readonly namespace: string | undefined;
  /** The object with its namespace filled in. */
  readonly object: JsonObject;
  readonly source: string;
  readonly apiVersion: string;
  readonly kind: string;
}

/** A string field of an object, or "" when it is missing or not a string. */
export function stringField(object: JsonObject, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : '';
}

export function metadataOf(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? metadata : {};
}

export async function targetOf(ctx: CliContext, manifest: Manifest, options: { requireName: boolean }): Promise<ManifestTarget> {
  const apiVersion = stringField(manifest.object, 'apiVersion');
  const kind = stringField(manifest.object, 'kind');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const metadata = metadataOf(manifest.object);
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const fileNamespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';

  const known = (await (await ctx.resolver()).all()).find((r) => r.group === group && r.kind === kind);
  if (known === undefined) {
    throw new CliError(
      `error: resource mapping not found for name: "${name}" namespace: "${fileNamespace}" from "${manifest.source}": no matches for kind "${kind}" in version "${apiVersion}"; ensure CRDs are installed first`,
    );
  }
  const resource: ApiResource = known.version === version ? known : { ...known, version };
  if (options.requireName && name === '') {
    throw new CliError(`error: error when retrieving current configuration of ${kind} from "${manifest.source}": resource name may not be empty`);
  }
  if (!resource.namespaced) return { resource, name, namespace: undefined, object: manifest.object, source: manifest.source, apiVersion, kind };

  const flag = ctx.options.namespace;
  if (fileNamespace !== '' && flag !== undefined && flag !== '' && flag !== fileNamespace) {
    throw new CliError(
      `error: the namespace from the provided object "${fileNamespace}" does not match the namespace "${flag}". You must pass '--namespace=${fileNamespace}' to perform this operation.`,
    );
  }
  const namespace = fileNamespace !== '' ? fileNamespace : await ctx.namespace();
  const object: JsonObject = { ...manifest.object, metadata: { ...metadata, namespace } };
  return { resource, name, namespace, object, source: manifest.source, apiVersion, kind };
}

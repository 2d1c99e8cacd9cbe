// The scale subresource: an autoscaling/v1 Scale view of spec.replicas, status.replicas and the
// selector; writing it changes only spec.replicas (kubectl scale patches it).
import { badRequest, invalid } from '../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../registry/resource.js';
import { decodeBody, mediaType, readBody } from '../http/body.js';
import { writeJson } from '../http/responses.js';
import type { Handler, RequestContext } from './context.js';
import { recordUpdate } from '../apply/field-manager.js';
import { patchOptions, writeManager } from '../apply/options.js';
import { APPLY_PATCH, applyPatch } from './patch.js';
import { writeUpdate } from './update.js';

interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function read(object: KubeObject, path: string): unknown {
  let value: unknown = object;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function write(object: KubeObject, path: string, value: unknown): void {
  const parts = path.split('.').filter((p) => p !== '');
  let target = object as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1] as string] = value;
}

/** A label selector object as the string form Scale.status.selector carries. */
function selectorString(selector: unknown): string | undefined {
  if (selector === null || typeof selector !== 'object') return undefined;
  const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function toScale(descriptor: ResourceDescriptor, object: KubeObject): Scale {
  const paths = descriptor.scale;
  const meta = object.metadata ?? {};
  const selector = paths === undefined ? undefined : selectorString(read(object, paths.labelSelectorPath));
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: Number(read(object, paths?.specReplicasPath ?? '.spec.replicas') ?? 0) },
    status: { replicas: Number(read(object, paths?.statusReplicasPath ?? '.status.replicas') ?? 0), ...(selector ? { selector } : {}) },
  };
}

function replicasOf(descriptor: ResourceDescriptor, scale: unknown): number {
  const replicas = (scale as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  if (replicas === undefined) return 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', '', [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
    ]);
  }
  void descriptor;
  return replicas;
}

async function updateReplicas(context: RequestContext, manager: string, next: (scale: Scale) => unknown, expectedVersion?: string): Promise<void> {
  const { descriptor } = context.resource;
  const mainContext = { ...context, info: { ...context.info, subresource: undefined } };
  const updated = await writeUpdate(
    mainContext,
    (current) => {
      const before = structuredClone(current);
      const replicas = replicasOf(descriptor, next(toScale(descriptor, current)));
      write(current, descriptor.scale?.specReplicasPath ?? '.spec.replicas', replicas);
      // Server-side apply's bookkeeping: the scaler now owns spec.replicas.
      return recordUpdate(descriptor, before, current, { manager, subresource: 'scale' });
    },
    expectedVersion,
  );
  writeJson(context.response, 200, toScale(descriptor, updated));
}

export const scaleGetHandler: Handler = async (context) => {
  const object = await context.resource.store.get(context.info.namespace, context.info.name ?? '');
  writeJson(context.response, 200, toScale(context.resource.descriptor, object));
};

export const scaleUpdateHandler: Handler = async (context) => {
  const body = decodeBody(await readBody(context.request), mediaType(context.request)) as Partial<Scale> | null;
  if (body === null || typeof body !== 'object') throw badRequest('the body of the request must be a Scale object');
  const version = typeof body.metadata?.resourceVersion === 'string' ? body.metadata.resourceVersion : undefined;
  await updateReplicas(context, writeManager(context.query, context.request.headers['user-agent'], 'UpdateOptions'), () => body, version);
};

export const scalePatchHandler: Handler = async (context) => {
  const type = mediaType(context.request);
  const patch = await readBody(context.request);
  const { manager } = patchOptions(context.query, context.request.headers['user-agent'], type === APPLY_PATCH);
  await updateReplicas(context, manager, (scale) => applyPatch(type, scale as unknown as KubeObject, patch, 'Scale'));
};

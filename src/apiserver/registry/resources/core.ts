// The core group (v1): namespaces, pods, nodes, services, endpoints, events, configmaps, secrets,
// serviceaccounts. Pod, Service and Node behaviour lives in their own files.
import { nameIsDNS1035Label, validateNamespaceName } from '../../../api/validation/name-rules.js';
import { isQualifiedName } from '../../../api/validation/names.js';
import { forbidden } from '../../../api/api-errors.js';
import type { FieldCause } from '../../../api/api-errors.js';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import { AGE_COLUMN, ageOf, column, field, list, NAME_COLUMN, nameOf, num, str } from './columns.js';
import { defineResource } from './define.js';
import { eventColumns, eventStrategy } from './events.js';
import { nodeColumns, nodeStrategy } from './nodes.js';
import { podColumns, podStrategy } from './pods.js';
import { serviceColumns, serviceStrategy } from './services.js';

const core = { group: '', version: 'v1' } as const;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_CONFIG_SIZE = 1024 * 1024;

/** Upstream's ValidateConfigMap: config keys, and at most 1 MiB of data and binaryData together. */
function validateConfigMap(cm: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  let size = 0;
  for (const name of ['data', 'binaryData'] as const) {
    const map = cm[name];
    if (map === null || typeof map !== 'object') continue;
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      if (key.length > 253 || !CONFIG_KEY.test(key) || key === '.' || key === '..') {
        const field = `${name}[${key}]`;
        causes.push({
          reason: 'FieldValueInvalid',
          field,
          message: `${field}: Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
      }
      if (typeof value === 'string') size += name === 'binaryData' ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
    }
  }
  if (size > MAX_CONFIG_SIZE) causes.push({ reason: 'FieldValueTooLong', field: '', message: `: Too long: must have at most ${MAX_CONFIG_SIZE} bytes` });
  return causes;
}

/** Upstream's validateFinalizerName for spec.finalizers: a qualified name, or the standard "kubernetes". */
function validateNamespaceFinalizers(ns: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const finalizers = field(ns, 'spec', 'finalizers');
  if (finalizers === undefined || finalizers === null) return causes;
  if (!Array.isArray(finalizers)) {
    return [{ reason: 'FieldValueInvalid', field: 'spec.finalizers', message: 'spec.finalizers: Invalid value: "": must be a list of finalizer names' }];
  }
  finalizers.forEach((name: unknown, i) => {
    const path = `spec.finalizers[${i}]`;
    const text = typeof name === 'string' ? name : JSON.stringify(name);
    const problems = typeof name === 'string' ? isQualifiedName(name) : ['must be a string'];
    if (problems.length === 0 && typeof name === 'string' && !name.includes('/') && name !== 'kubernetes') {
      problems.push('name is neither a standard finalizer name nor is it fully qualified');
    }
    for (const problem of problems) causes.push({ reason: 'FieldValueInvalid', field: path, message: `${path}: Invalid value: "${text}": ${problem}` });
  });
  return causes;
}

export const namespaces: ResourceDescriptor = defineResource({
  ...core,
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
  nameValidator: validateNamespaceName,
  shortNames: ['ns'],
  hasStatus: true,
  otherSubresources: ['finalize'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  strategy: {
    defaults: (ns) => {
      const spec = (ns.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers ??= ['kubernetes'];
      ns.spec = spec;
      const status = (ns.status ?? {}) as { phase?: string };
      status.phase ??= 'Active';
      ns.status = status;
      ns.metadata = { ...ns.metadata, labels: { ...ns.metadata?.labels, 'kubernetes.io/metadata.name': ns.metadata?.name ?? '' } };
    },
    validate: validateNamespaceFinalizers,
    // As upstream's namespace strategy: spec.finalizers changes only through namespaces/finalize.
    prepareForUpdate: (ns, old) => {
      const finalizers = field(old, 'spec', 'finalizers');
      const spec = { ...(ns.spec as object | undefined) } as { finalizers?: unknown };
      if (finalizers === undefined) delete spec.finalizers;
      else spec.finalizers = finalizers;
      ns.spec = spec;
    },
    holdsDeletion: (ns) => list(field(ns, 'spec', 'finalizers')).length > 0,
    onDeletionStarted: (ns) => {
      ns.status = { ...(ns.status as object | undefined), phase: 'Terminating' };
    },
    checkDelete: (ns) => {
      const name = ns.metadata?.name ?? '';
      if (['default', 'kube-system', 'kube-public'].includes(name)) {
        throw forbidden({ group: '', resource: 'namespaces', name }, 'this namespace may not be deleted');
      }
    },
    cells: (ns) => [nameOf(ns), str(field(ns, 'status', 'phase')), ageOf(ns)],
    fields: (ns) => ({ 'status.phase': str(field(ns, 'status', 'phase')) }),
  },
});

export const pods = defineResource({
  ...core,
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
  otherSubresources: ['binding', 'eviction', 'log', 'exec', 'attach', 'portforward'],
  columns: podColumns,
  strategy: podStrategy,
});

export const nodes = defineResource({
  ...core,
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
  shortNames: ['no'],
  hasStatus: true,
  otherSubresources: ['proxy'],
  columns: nodeColumns,
  strategy: nodeStrategy,
});

export const services = defineResource({
  ...core,
  kind: 'Service',
  plural: 'services',
  namespaced: true,
  nameValidator: nameIsDNS1035Label,
  shortNames: ['svc'],
  categories: ['all'],
  hasStatus: true,
  otherSubresources: ['proxy'],
  columns: serviceColumns,
  strategy: serviceStrategy,
});

export const endpoints = defineResource({
  ...core,
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  columns: [NAME_COLUMN, column('Endpoints', 'Endpoints of the service'), AGE_COLUMN],
  strategy: {
    cells: (ep) => {
      const addresses: string[] = [];
      for (const subset of list(ep.subsets)) {
        const ports = list(field(subset, 'ports')).map((p) => num(field(p, 'port')));
        for (const address of list(field(subset, 'addresses'))) {
          const ip = str(field(address, 'ip'));
          if (ports.length === 0) addresses.push(ip);
          for (const port of ports) addresses.push(`${ip}:${port}`);
        }
      }
      const shown = addresses.slice(0, 3).join(',');
      const text = addresses.length === 0 ? '<none>' : addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown;
      return [nameOf(ep), text, ageOf(ep)];
    },
  },
});

export const events = defineResource({
  ...core,
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  shortNames: ['ev'],
  columns: eventColumns,
  strategy: eventStrategy,
});

export const configmaps = defineResource({
  ...core,
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  shortNames: ['cm'],
  columns: [NAME_COLUMN, column('Data', 'Number of data entries', 'integer'), AGE_COLUMN],
  strategy: {
    validate: validateConfigMap,
    cells: (cm) => [
      nameOf(cm),
      Object.keys((cm.data as object | undefined) ?? {}).length + Object.keys((cm.binaryData as object | undefined) ?? {}).length,
      ageOf(cm),
    ],
  },
});

export const secrets = defineResource({
  ...core,
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  columns: [NAME_COLUMN, column('Type', 'The type of the secret'), column('Data', 'The number of data entries', 'integer'), AGE_COLUMN],
  strategy: {
    defaults: (secret) => {
      secret.type ??= 'Opaque';
      // stringData is write-only: it is merged into data (base64) and never stored.
      const stringData = secret.stringData as Record<string, string> | null | undefined;
      if (stringData === null) delete secret.stringData;
      if (stringData !== null && stringData !== undefined) {
        const data = { ...(secret.data as Record<string, string> | undefined) };
        for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v).toString('base64');
        secret.data = data;
        delete secret.stringData;
      }
    },
    cells: (secret) => [nameOf(secret), str(secret.type), Object.keys((secret.data as object | undefined) ?? {}).length, ageOf(secret)],
    fields: (secret) => ({ type: str(secret.type) }),
  },
});

export const serviceaccounts = defineResource({
  ...core,
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
  shortNames: ['sa'],
  otherSubresources: ['token'],
  columns: [NAME_COLUMN, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', 'integer'), AGE_COLUMN],
  strategy: {
    cells: (sa) => [nameOf(sa), list(sa.secrets).length, ageOf(sa)],
  },
});

export const coreResources: ResourceDescriptor[] = [namespaces, pods, nodes, services, endpoints, events, configmaps, secrets, serviceaccounts];

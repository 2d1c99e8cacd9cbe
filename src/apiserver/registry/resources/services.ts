// Services: defaults (type, ports, IP families), ClusterIP and NodePort allocation from the
// service ranges, immutability of clusterIP, and kubectl's columns.
import { invalid, type FieldCause } from '../../../api/api-errors.js';
import type { KubeObject, ResourceStrategy, TableColumn } from '../resource.js';
import type { Registry } from '../registry.js';
import { AGE_COLUMN, ageOf, column, field, list, mapSelectorText, NAME_COLUMN, nameOf, num, str } from './columns.js';

/** The service range: 10.96.0.0/12 as upstream's default; the first address is the API server's. */
export const SERVICE_RANGE = { base: (10 << 24) | (96 << 16), size: 1 << 20 };
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

export const serviceColumns: TableColumn[] = [
  NAME_COLUMN,
  column('Type', 'The type of the service'),
  column('Cluster-IP', 'The cluster ip of the service'),
  column('External-IP', 'The external ip of the service'),
  column('Port(s)', 'The ports of the service'),
  AGE_COLUMN,
  column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 'string', 1),
];

export const ipToString = (ip: number): string => [24, 16, 8, 0].map((shift) => (ip >>> shift) & 255).join('.');

// Allocations handed out but not yet in the watch cache: two creates in the same moment must not
// get the same address. An entry is dropped once the cache shows it, or after a minute (a create
// that failed after allocation).
const PENDING_MS = 60_000;
const pending = new WeakMap<Registry, Map<string, number>>();

function pendingOf(registry: Registry): Map<string, number> {
  let map = pending.get(registry);
  if (map === undefined) pending.set(registry, (map = new Map<string, number>()));
  return map;
}

function usedByServices(registry: Registry): { ips: Set<string>; nodePorts: Set<string> } {
  const services = registry.lookup('', 'v1', 'services')?.store.cache.list().items ?? [];
  const ips = new Set<string>();
  const nodePorts = new Set<string>();
  for (const svc of services) {
    for (const ip of [str(field(svc, 'spec', 'clusterIP')), ...list(field(svc, 'spec', 'clusterIPs')).map(String)]) ips.add(ip);
    for (const port of list(field(svc, 'spec', 'ports'))) nodePorts.add(nodePortKey(port));
  }
  const recent = pendingOf(registry);
  const now = Date.now();
  for (const [key, at] of recent) {
    if (ips.has(key) || nodePorts.has(key) || now - at > PENDING_MS) recent.delete(key);
    else if (key.includes('/')) nodePorts.add(key);
    else ips.add(key);
  }
  return { ips, nodePorts };
}

/** A node port is taken per protocol, as upstream: "30080/TCP". */
function nodePortKey(port: unknown): string {
  return `${num(field(port, 'nodePort'))}/${str(field(port, 'protocol'), 'TCP')}`;
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const RANGE_TEXT = '10.96.0.0/12';

function allocateIp(used: Set<string>): string {
  // Random probing: the range has a million addresses; the first one is reserved for "kubernetes".
  for (let i = 0; i < 1000; i++) {
    const ip = ipToString(SERVICE_RANGE.base + 2 + Math.floor(Math.random() * (SERVICE_RANGE.size - 3)));
    if (!used.has(ip)) return ip;
  }
  throw new Error('the service IP range is full');
}

function allocateNodePort(used: Set<string>, protocol: string): number {
  for (let i = 0; i < 10_000; i++) {
    const port = NODE_PORT_RANGE.min + Math.floor(Math.random() * (NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1));
    if (!used.has(`${port}/${protocol}`)) return port;
  }
  throw new Error('the node port range is full');
}

/** A clusterIP or nodePort the user chose must be in its range and free, as upstream's allocators check. */
function checkRequested(svc: KubeObject, used: { ips: Set<string>; nodePorts: Set<string> }): FieldCause[] {
  const causes: FieldCause[] = [];
  const ip = str(field(svc, 'spec', 'clusterIP'));
  if (ip !== '' && ip !== 'None' && str(field(svc, 'spec', 'type')) !== 'ExternalName') {
    const n = ipToNumber(ip);
    const detail = `spec.clusterIPs: Invalid value: []string{${JSON.stringify(ip)}}: failed to allocate IP ${ip}:`;
    if (n === undefined) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `spec.clusterIPs[0]: Invalid value: ${JSON.stringify(ip)}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
    } else if (n < SERVICE_RANGE.base || n >= SERVICE_RANGE.base + SERVICE_RANGE.size) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `${detail} the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${RANGE_TEXT}` });
    } else if (used.ips.has(ip)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `${detail} provided IP is already allocated` });
    }
  }
  list(field(svc, 'spec', 'ports')).forEach((port, i) => {
    const nodePort = field(port, 'nodePort');
    if (nodePort === undefined || nodePort === 0) return;
    const where = `spec.ports[${i}].nodePort`;
    if (typeof nodePort !== 'number' || nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max) {
      causes.push({ reason: 'FieldValueInvalid', field: where, message: `${where}: Invalid value: ${JSON.stringify(nodePort)}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}` });
    } else if (used.nodePorts.has(nodePortKey(port))) {
      causes.push({ reason: 'FieldValueInvalid', field: where, message: `${where}: Invalid value: ${nodePort}: provided port is already allocated` });
    }
  });
  return causes;
}

function defaults(svc: KubeObject): void {
  const spec = (svc.spec ?? {}) as Record<string, unknown>;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  for (const port of list(spec.ports)) {
    const p = port as Record<string, unknown>;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  svc.spec = spec;
  svc.status ??= { loadBalancer: {} };
}

function validate(svc: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const type = str(field(svc, 'spec', 'type'));
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.type', message: `spec.type: Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"` });
  }
  const ports = list(field(svc, 'spec', 'ports'));
  if (ports.length === 0 && type !== 'ExternalName' && str(field(svc, 'spec', 'clusterIP')) !== 'None') {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.ports', message: 'spec.ports: Required value' });
  }
  ports.forEach((port, i) => {
    const n = field(port, 'port');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].port`, message: `spec.ports[${i}].port: Invalid value: ${JSON.stringify(n ?? 0)}: must be between 1 and 65535, inclusive` });
    }
    if (ports.length > 1 && str(field(port, 'name')) === '') {
      causes.push({ reason: 'FieldValueRequired', field: `spec.ports[${i}].name`, message: `spec.ports[${i}].name: Required value` });
    }
  });
  return causes;
}

function validateUpdate(svc: KubeObject, old: KubeObject): FieldCause[] {
  const before = str(field(old, 'spec', 'clusterIP'));
  const after = str(field(svc, 'spec', 'clusterIP'));
  if (before !== '' && after !== before && str(field(svc, 'spec', 'type')) !== 'ExternalName') {
    return [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `spec.clusterIPs[0]: Invalid value: ${JSON.stringify([after])}: may not change once set` }];
  }
  return [];
}

function portsText(svc: KubeObject): string {
  const ports = list(field(svc, 'spec', 'ports')).map((p) => {
    const nodePort = num(field(p, 'nodePort'));
    return `${num(field(p, 'port'))}${nodePort > 0 ? `:${nodePort}` : ''}/${str(field(p, 'protocol'), 'TCP')}`;
  });
  return ports.length === 0 ? '<none>' : ports.join(',');
}

export const serviceStrategy: ResourceStrategy = {
  defaults,
  validate,
  validateUpdate,
  prepareForUpdate: (svc, old, registry) => {
    // Allocated values carry over when an update (e.g. kubectl apply) leaves them out.
    const spec = svc.spec as Record<string, unknown> | undefined;
    if (spec === undefined) return;
    if (spec.clusterIP === undefined) spec.clusterIP = field(old, 'spec', 'clusterIP');
    if (spec.clusterIPs === undefined) spec.clusterIPs = field(old, 'spec', 'clusterIPs');
    const oldPorts = list(field(old, 'spec', 'ports'));
    const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    list(spec.ports).forEach((port, i) => {
      const p = port as Record<string, unknown>;
      if (!wantsNodePorts) {
        // Upstream releases node ports when a Service stops being NodePort or LoadBalancer.
        delete p.nodePort;
        return;
      }
      const match = oldPorts.find((o) => field(o, 'port') === p.port && field(o, 'protocol') === (p.protocol ?? 'TCP')) ?? oldPorts[i];
      if (p.nodePort === undefined && field(match, 'nodePort') !== undefined) p.nodePort = field(match, 'nodePort');
    });
    if (!wantsNodePorts || registry === undefined) return;
    // A port that needs a node port it did not have (a ClusterIP Service turned NodePort) gets one.
    const used = usedByServices(registry);
    for (const port of oldPorts) used.nodePorts.delete(nodePortKey(port));
    const fresh = { ...svc, spec: { ...spec, clusterIP: '', ports: list(spec.ports).filter((p) => !oldPorts.some((o) => nodePortKey(o) === nodePortKey(p))) } };
    const causes = checkRequested(fresh, used);
    if (causes.length > 0) throw invalid('Service', '', str(field(svc, 'metadata', 'name')), causes);
    for (const port of list(spec.ports)) {
      const p = port as Record<string, unknown>;
      if (p.nodePort === undefined || p.nodePort === 0) {
        p.nodePort = allocateNodePort(used.nodePorts, str(p.protocol, 'TCP'));
        pendingOf(registry).set(nodePortKey(p), Date.now());
      }
      used.nodePorts.add(nodePortKey(p));
    }
  },
  prepareForCreate: (svc, registry) => {
    const spec = svc.spec as Record<string, unknown>;
    const used = usedByServices(registry);
    const causes = checkRequested(svc, used);
    if (causes.length > 0) throw invalid('Service', '', str(field(svc, 'metadata', 'name')), causes);
    const recent = pendingOf(registry);
    if (spec.type !== 'ExternalName' && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      spec.clusterIP = allocateIp(used.ips);
    }
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None') recent.set(spec.clusterIP, Date.now());
    if (spec.clusterIP !== undefined && spec.type !== 'ExternalName') spec.clusterIPs ??= [spec.clusterIP];
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      for (const port of list(spec.ports)) {
        const p = port as Record<string, unknown>;
        if (p.nodePort === undefined || p.nodePort === 0) p.nodePort = allocateNodePort(used.nodePorts, str(p.protocol, 'TCP'));
        used.nodePorts.add(nodePortKey(p));
        recent.set(nodePortKey(p), Date.now());
      }
    }
  },
  cells: (svc) => [
    nameOf(svc),
    str(field(svc, 'spec', 'type')),
    str(field(svc, 'spec', 'clusterIP')) || '<none>',
    list(field(svc, 'spec', 'externalIPs')).join(',') || (str(field(svc, 'spec', 'type')) === 'LoadBalancer' ? '<pending>' : '<none>'),
    portsText(svc),
    ageOf(svc),
    mapSelectorText(field(svc, 'spec', 'selector')),
  ],
  fields: (svc) => ({ 'spec.clusterIP': str(field(svc, 'spec', 'clusterIP')), 'spec.type': str(field(svc, 'spec', 'type')) }),
};

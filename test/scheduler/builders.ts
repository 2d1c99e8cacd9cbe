// Small builders for the Node and Pod objects the scheduler tests need (upstream's st.MakePod()).
import type { Container, Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1.js';

export interface NodeSpecOptions {
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  readonly extra?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly taints?: Taint[];
  readonly unschedulable?: boolean;
  /** Ready condition status; default "True". */
  readonly ready?: 'True' | 'False' | 'Unknown' | 'none';
}

export function makeNode(name: string, o: NodeSpecOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra };
  const conditions: NodeCondition[] = o.ready === 'none' ? [] : [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints === undefined ? {} : { taints: o.taints }), ...(o.unschedulable === undefined ? {} : { unschedulable: o.unschedulable }) },
    status: { capacity: allocatable, allocatable, conditions },
  };
}

export interface PodSpecOptions {
  readonly namespace?: string;
  readonly uid?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly requests?: Record<string, string>;
  readonly containers?: Container[];
  readonly initContainers?: Container[];
  readonly nodeName?: string;
  readonly nodeSelector?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly ownerUid?: string;
  readonly hostPorts?: { port: number; protocol?: string; hostIP?: string }[];
  readonly spec?: Partial<Pod['spec']>;
}

export function makePod(name: string, o: PodSpecOptions = {}): Pod {
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu !== undefined) requests['cpu'] = o.cpu;
  if (o.memory !== undefined) requests['memory'] = o.memory;
  const container: Container = {
    name: 'app',
    image: 'busybox',
    ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}),
    ...(o.hostPorts === undefined
      ? {}
      : { ports: o.hostPorts.map((p, i) => ({ containerPort: 8000 + i, hostPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}), ...(p.hostIP ? { hostIP: p.hostIP } : {}) })) }),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}`,
      ...(o.labels === undefined ? {} : { labels: o.labels }),
      ...(o.ownerUid === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: o.ownerUid, controller: true }] }),
    },
    spec: {
      containers: o.containers ?? [container],
      ...(o.initContainers === undefined ? {} : { initContainers: o.initContainers }),
      ...(o.nodeName === undefined ? {} : { nodeName: o.nodeName }),
      ...(o.nodeSelector === undefined ? {} : { nodeSelector: o.nodeSelector }),
      ...o.spec,
    },
  };
}

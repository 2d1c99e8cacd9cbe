// Nodes: kubectl's columns (STATUS from the Ready condition and spec.unschedulable, ROLES from labels).
import type { KubeObject, ResourceStrategy, TableColumn } from '../resource.js';
import { AGE_COLUMN, ageOf, column, field, list, NAME_COLUMN, nameOf, str } from './columns.js';

export const nodeColumns: TableColumn[] = [
  NAME_COLUMN,
  column('Status', 'The status of the node'),
  column('Roles', 'The roles of the node'),
  AGE_COLUMN,
  column('Version', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 'string', 1),
  column('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 'string', 1),
  column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 'string', 1),
  column('Kernel-Version', 'Kernel Version reported by the node from `uname -r` (e.g. 3.16.0-0.bpo.4-amd64).', 'string', 1),
  column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 'string', 1),
];

function nodeStatus(node: KubeObject): string {
  const ready = list(field(node, 'status', 'conditions')).find((c) => field(c, 'type') === 'Ready');
  const states = [ready === undefined ? 'Unknown' : field(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (field(node, 'spec', 'unschedulable') === true) states.push('SchedulingDisabled');
  return states.join(',');
}

function address(node: KubeObject, type: string): string {
  const found = list(field(node, 'status', 'addresses')).find((a) => field(a, 'type') === type);
  return found === undefined ? '<none>' : str(field(found, 'address'));
}

function roles(node: KubeObject): string {
  const found = Object.keys(node.metadata?.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return found.length === 0 ? '<none>' : found.sort().join(',');
}

export const nodeStrategy: ResourceStrategy = {
  cells: (node) => [
    nameOf(node),
    nodeStatus(node),
    roles(node),
    ageOf(node),
    str(field(node, 'status', 'nodeInfo', 'kubeletVersion')),
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    str(field(node, 'status', 'nodeInfo', 'osImage')) || '<unknown>',
    str(field(node, 'status', 'nodeInfo', 'kernelVersion')) || '<unknown>',
    str(field(node, 'status', 'nodeInfo', 'containerRuntimeVersion')) || '<unknown>',
  ],
  fields: (node) => ({ 'spec.unschedulable': String(field(node, 'spec', 'unschedulable') === true) }),
};

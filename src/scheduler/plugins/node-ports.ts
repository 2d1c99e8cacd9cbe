// NodePorts: a host port (protocol, address, port) can be held by one pod per node.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { FilterFailure, FilterPlugin } from './types.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    if (!pod.hostPorts.some((p) => node.portConflict(p))) return undefined;
    // Unschedulable, not unresolvable: evicting the pod that holds the port would free it.
    return { plugin: this.name, code: 'Unschedulable', reasons: [ERR_REASON_PORTS] };
  },
};

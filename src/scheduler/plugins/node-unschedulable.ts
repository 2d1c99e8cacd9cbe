// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { tolerated } from '../../api/tolerations.js';
import { TAINT_UNSCHEDULABLE } from '../taints.js';
import type { FilterFailure, FilterPlugin } from './types.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
    if (node.node?.spec?.unschedulable !== true) return undefined;
    if (tolerated(pod.pod.spec?.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })) return undefined;
    return { plugin: this.name, code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_UNSCHEDULABLE] };
  },
};

// Upstream MarkPodsNotReady: the pods of a node that stopped reporting can no longer be trusted to
// serve, so their Ready condition turns False (Services stop sending them traffic) with a
// NodeNotReady event on each, long before any eviction.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isInvalid, isNotFound } from '../../client/client-errors.js';
import { Pods } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import { timeStamp } from './node-taint-writer.js';

/** Marks Ready=False on every pod of the node still Ready; throws (after trying them all) if any write failed. */
export async function markPodsNotReady(context: ControllerContext, pods: readonly Readonly<Pod>[], nodeName: string): Promise<void> {
  const errors: unknown[] = [];
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready === undefined || ready.status === 'False') continue;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    context.logger.info('Updating ready status of pod to false', { pod: `${namespace}/${name}`, node: nodeName });
    try {
      // A strategic merge on the condition's type keeps its reason and the other conditions.
      const condition = { type: 'Ready', status: 'False', lastTransitionTime: timeStamp(context.now()) };
      await context.client.patch<Pod>(Pods, name, namespace, { metadata: { uid: pod.metadata?.uid }, status: { conditions: [condition] } }, 'strategic', {
        subresource: 'status',
      });
    } catch (error) {
      // Deleted, or replaced by a new pod of the same name: nothing left to mark.
      if (isNotFound(error) || isInvalid(error)) continue;
      errors.push(error);
      continue;
    }
    context.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
  if (errors.length > 0) throw new AggregateError(errors, `could not mark ${errors.length} pod(s) of node ${nodeName} not ready`);
}

// Which pods a drain may evict, as kubectl's drain filters decide: mirror pods are left alone,
// DaemonSet pods need --ignore-daemonsets (then are left), pods with emptyDir data need
// --delete-emptydir-data, pods no controller would replace need --force. Finished pods may always go.
import type { Pod } from 'kubernetes-types/core/v1.js';

export interface DrainFlags {
  readonly ignoreDaemonsets: boolean;
  readonly deleteEmptydirData: boolean;
  readonly force: boolean;
}

export interface DrainPlan {
  /** Pods to evict. */
  readonly evict: Pod[];
  /** Refusals, kubectl's wording: "cannot delete ... (use --x to override): ns/a, ns/b". */
  readonly errors: string[];
  /** Warnings, kubectl's wording: "ignoring DaemonSet-managed Pods: ns/a". */
  readonly warnings: string[];
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const nameOf = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

function finished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function planDrain(pods: readonly Pod[], flags: DrainFlags): DrainPlan {
  const evict: Pod[] = [];
  const refusals = new Map<string, string[]>();
  const notes = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, message: string, pod: Pod): void => {
    map.set(message, [...(map.get(message) ?? []), nameOf(pod)]);
  };
  for (const pod of pods) {
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) continue;
    const controller = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
    if (controller?.kind === 'DaemonSet' && !finished(pod)) {
      if (flags.ignoreDaemonsets) add(notes, 'ignoring DaemonSet-managed Pods', pod);
      else add(refusals, 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)', pod);
      continue;
    }
    let refused = false;
    if (!finished(pod) && (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined)) {
      if (flags.deleteEmptydirData) add(notes, 'deleting Pods with local storage', pod);
      else {
        add(refusals, 'cannot delete Pods with local storage (use --delete-emptydir-data to override)', pod);
        refused = true;
      }
    }
    if (!finished(pod) && controller === undefined) {
      if (flags.force) add(notes, 'deleting Pods that declare no controller', pod);
      else {
        add(refusals, 'cannot delete Pods that declare no controller (use --force to override)', pod);
        refused = true;
      }
    }
    if (!refused) evict.push(pod);
  }
  const lines = (map: Map<string, string[]>): string[] => [...map].map(([message, names]) => `${message}: ${names.join(', ')}`);
  return { evict, errors: lines(refusals), warnings: lines(notes) };
}

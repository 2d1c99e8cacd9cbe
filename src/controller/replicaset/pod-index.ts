// The pods informer index by controller: upstream's PodControllerUIDIndex
// (controller.AddPodControllerUIDIndexer). A pod is indexed under its controller's uid, or under
// ORPHAN_POD_INDEX_KEY when nothing controls it, so a controller finds its own pods and the
// orphans it may adopt without scanning every pod in the cluster. Any controller that owns pods
// (ReplicaSet, Job, DaemonSet, StatefulSet) can share this index on the shared pods informer.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { Pods } from '../../client/resource-types.js';
import { controllerRefOf } from './pod-state.js';

export const POD_CONTROLLER_UID_INDEX = 'podControllerUID';
export const ORPHAN_POD_INDEX_KEY = '_ORPHAN_POD';

export function podControllerUIDIndexer(pod: Pod): string[] {
  const ref = controllerRefOf(pod);
  return ref === undefined ? [ORPHAN_POD_INDEX_KEY] : [ref.uid];
}

/** The pods of one controller, and the orphans it might adopt, from the shared pods informer. */
export class PodsByController {
  private readonly indexed: boolean;

  constructor(readonly informer: Informer<Pod>, indexed: boolean) {
    this.indexed = indexed;
  }

  /**
   * Asks the factory for the pods informer with the index. The factory keeps the indexers of its
   * first caller; if another controller asked first without this index, fall back to scanning
   * (correct, only slower) rather than fail to start.
   */
  static from(informers: InformerFactory): PodsByController {
    try {
      return new PodsByController(informers.for<Pod>(Pods, { [POD_CONTROLLER_UID_INDEX]: podControllerUIDIndexer }), true);
    } catch {
      return new PodsByController(informers.for<Pod>(Pods), false);
    }
  }

  /** Pods in `namespace` controlled by `uid`, plus, if asked, the orphans there. */
  podsOf(namespace: string, uid: string, includeOrphans: boolean): Readonly<Pod>[] {
    const inNamespace = (pod: Readonly<Pod>): boolean => (pod.metadata?.namespace ?? '') === namespace;
    if (!this.indexed) {
      return this.informer.byIndex('namespace', namespace).filter((pod) => {
        const key = podControllerUIDIndexer(pod)[0];
        return key === uid || (includeOrphans && key === ORPHAN_POD_INDEX_KEY);
      });
    }
    const owned = this.informer.byIndex(POD_CONTROLLER_UID_INDEX, uid).filter(inNamespace);
    if (!includeOrphans) return owned;
    return owned.concat(this.informer.byIndex(POD_CONTROLLER_UID_INDEX, ORPHAN_POD_INDEX_KEY).filter(inNamespace));
  }
}

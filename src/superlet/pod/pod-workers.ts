// One worker per pod, as the kubelet's podWorkers: pods are keyed by uid in a work queue, so a pod
// is never synced twice at once, a burst of changes merges into one pass, and a pass that asks
// for it comes back after its back-off. The latest copy of each pod comes from the informer.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/log.js';
import type { PodSync } from './pod-sync.js';

export interface PodWorkersOptions {
  readonly sync: PodSync;
  /** Pods synced at once (Docker does the waiting; more workers start a burst of pods faster). */
  readonly workers?: number;
  readonly logger: Logger;
}

export class PodWorkers {
  private readonly pods = new Map<string, Pod>();
  private readonly queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 30_000, qps: 1000, burst: 1000 });

  constructor(private readonly options: PodWorkersOptions) {}

  /** The pod was added or changed. */
  update(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (uid === undefined) return;
    this.pods.set(uid, pod);
    this.queue.add(uid);
  }

  /** The pod is gone from the API server: its worker removes what is left of it. */
  remove(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (uid === undefined) return;
    this.pods.delete(uid);
    this.queue.add(uid);
  }

  /** Something changed in the runtime for this pod (or an orphan was found). */
  poke(uid: string): void {
    this.queue.add(uid);
  }

  podByUid(uid: string): Pod | undefined {
    return this.pods.get(uid);
  }

  knows(uid: string): boolean {
    return this.pods.has(uid);
  }

  uids(): string[] {
    return [...this.pods.keys()];
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.queue.run({
      workers: this.options.workers ?? 16,
      signal,
      reconcile: async (uid) => {
        const pod = this.pods.get(uid);
        try {
          const result = await this.options.sync.sync(uid, pod);
          return result.requeueAfterMs === undefined ? undefined : { requeueAfterMs: result.requeueAfterMs };
        } catch (error) {
          this.options.logger.warn('pod sync failed', { uid, pod: pod?.metadata?.name, error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      },
    });
  }
}

// The common shape of a controller: a work queue of keys ("namespace/name"), N workers, and
// reconcile(key). Subclasses register informer handlers in their constructor that call enqueue().
import { keyOf } from '../client/informer.js';
import type { KubeObject } from '../client/rest-client.js';
import { WorkQueue } from '../client/workqueue.js';
import type { Controller, ControllerContext, ReconcileResult } from './controller.js';

export interface QueueControllerOptions {
  /** Keys reconciled at once (default 5, as most upstream controllers' --concurrent-* flags). */
  readonly workers?: number;
}

export abstract class QueueController implements Controller {
  protected readonly queue: WorkQueue;
  private readonly workers: number;

  constructor(readonly name: string, protected readonly context: ControllerContext, options: QueueControllerOptions = {}) {
    this.queue = new WorkQueue({ name, logger: context.logger.child(name) });
    this.workers = options.workers ?? 5;
  }

  /** Reconciles the object with this key: read the caches, compare, act. Throw to retry with back-off. */
  protected abstract reconcile(key: string): Promise<ReconcileResult | void>;

  protected enqueue(obj: Readonly<KubeObject>): void {
    this.queue.add(keyOf(obj));
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.queue.run({
      workers: this.workers,
      signal,
      // A failure is logged once, by the queue (with this controller's name), and retried with back-off.
      reconcile: async (key) => {
        const result = await this.reconcile(key);
        return result?.requeueAfterMs === undefined ? undefined : { requeueAfterMs: result.requeueAfterMs };
      },
    });
  }
}

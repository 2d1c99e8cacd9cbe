// What every controller is (DESIGN.md conventions, after client-go and kube-rs): informer handlers
// only turn objects into keys and add them to a rate-limited work queue; reconcile(key) reads the
// informers' caches, compares desired with actual, acts through the API server, and is safe to
// kill at any line and run again.
import type { EventRecorder } from '../client/event-recorder.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../util/log.js';

/** What a controller is built from: shared by every controller of a controller manager. */
export interface ControllerContext {
  readonly client: RestClient;
  /** Shared informers: ask for them in the constructor, read their caches in reconcile. */
  readonly informers: InformerFactory;
  readonly recorder: EventRecorder;
  readonly logger: Logger;
  /** The clock, so tests of time-based controllers (CronJob, node lifecycle) can move it. */
  readonly now: () => Date;
}

/** What reconcile asks for next. */
export interface ReconcileResult {
  /** Come back after this long even if nothing changes (a deadline, a back-off running out). */
  readonly requeueAfterMs?: number;
}

export interface Controller {
  /** Upstream's name for it, e.g. "replicaset-controller" (events' source.component). */
  readonly name: string;
  /**
   * Runs the work queue until the signal aborts. The controller manager starts the informers and
   * waits for their sync before calling this. A reconcile that throws is retried with back-off.
   */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Builds a controller from the context. Constructors register informers and handlers and start
 * nothing (DESIGN.md: constructors take one options object and start nothing).
 */
export type ControllerFactory = (context: ControllerContext) => Controller;

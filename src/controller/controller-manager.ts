// SuperController's manager (kube-controller-manager): elects one leader among the processes that
// run it, and in the leader builds the shared informers and the controllers, syncs the caches, and
// runs every controller until leadership or the process ends. A leader that loses its lease stops
// its controllers at once and goes back to waiting, so two managers never both act.
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EventRecorder } from '../client/event-recorder.js';
import { InformerFactory } from '../client/informer-factory.js';
import { LeaderElector } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../util/log.js';
import type { ControllerContext, ControllerFactory } from './controller.js';

export interface LeaderElectionSettings {
  /** The Lease's namespace and name (default kube-system/supernetes-controller). */
  readonly namespace?: string;
  readonly name?: string;
  /** Who this process is in the Lease (default hostname_random). */
  readonly identity?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  readonly client: RestClient;
  readonly controllers: readonly ControllerFactory[];
  /** false runs the controllers at once, without a Lease (a single process, tests). */
  readonly leaderElection?: LeaderElectionSettings | false;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export class ControllerManager {
  private leading = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ControllerManagerOptions) {}

  /** Resolves once the controllers have stopped and the Lease is released, after the start signal aborted. */
  async stopped(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  /** True while this process leads and its controllers run. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Starts electing (or running at once without election); resolves once under way. */
  start(signal: AbortSignal): Promise<void> {
    const election = this.options.leaderElection;
    if (election === false) {
      this.running = this.runControllers(signal);
      return Promise.resolve();
    }
    const identity = election?.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
    const elector = new LeaderElector({
      client: this.options.client,
      namespace: election?.namespace ?? 'kube-system',
      name: election?.name ?? 'supernetes-controller',
      identity,
      logger: this.options.logger.child('leader-election'),
      ...(election?.leaseDurationMs === undefined ? {} : { leaseDurationMs: election.leaseDurationMs }),
      ...(election?.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: election.renewDeadlineMs }),
      ...(election?.retryPeriodMs === undefined ? {} : { retryPeriodMs: election.retryPeriodMs }),
    });
    this.running = elector.run(signal, {
      // The work is awaited before the lease is released, so a successor never overlaps it.
      onStartedLeading: (leaderSignal) => {
        this.options.logger.info('leading: starting controllers', { identity });
        return this.runControllers(leaderSignal);
      },
      onStoppedLeading: () => {
        this.options.logger.info('leadership ended: controllers stopped', { identity });
      },
    });
    return Promise.resolve();
  }

  private async runControllers(signal: AbortSignal): Promise<void> {
    const { client, logger } = this.options;
    // Every informer, queue and watch of every controller listens on it.
    setMaxListeners(0, signal);
    const context: ControllerContext = {
      client,
      informers: new InformerFactory({ client, logger: logger.child('informers') }),
      recorder: new EventRecorder({ client, component: 'supernetes-controller', logger }),
      logger,
      now: this.options.now ?? (() => new Date()),
    };
    const controllers = this.options.controllers.map((factory) => factory(context));
    context.informers.start(signal);
    try {
      await context.informers.waitForSync(signal);
    } catch (error) {
      if (!signal.aborted) logger.error('informers did not sync', { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    this.leading = true;
    logger.info('controllers running', { controllers: controllers.map((c) => c.name) });
    await Promise.allSettled(controllers.map((c) => c.run(signal)));
    this.leading = false;
  }
}

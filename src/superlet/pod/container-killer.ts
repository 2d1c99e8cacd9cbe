// Stops containers the Kubernetes way: the preStop hook, then SIGTERM, then SIGKILL once the grace
// period (which the hook's time counts against) has run out.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, Runtime } from '../runtime/runtime.js';
import type { Logger } from '../../util/log.js';
import type { PodEventSink } from './image-puller.js';

/** The kubelet never gives a container less than this once a hook has run (minimumGracePeriodInSeconds). */
const MINIMUM_GRACE_SECONDS = 2;

export interface ContainerKillerOptions {
  readonly runtime: Runtime;
  readonly event: PodEventSink;
  readonly logger: Logger;
}

function specOf(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
}

export class ContainerKiller {
  constructor(private readonly options: ContainerKillerOptions) {}

  /** Stops one running container within `gracePeriodSeconds`; resolves once it has exited. */
  async kill(pod: Pod, status: ContainerStatus, gracePeriodSeconds: number, message: string): Promise<void> {
    const { runtime, event, logger } = this.options;
    if (status.state !== 'running') return;
    event(pod, 'Normal', 'Killing', message);
    const started = Date.now();
    let grace = Math.max(0, gracePeriodSeconds);
    const preStop = specOf(pod, status.name)?.lifecycle?.preStop?.exec?.command;
    if (preStop !== undefined && preStop.length > 0 && grace > 0) {
      const result = await runtime.execSync(status.id, preStop, grace * 1000).catch((error: unknown) => {
        logger.warn('preStop hook failed', { pod: pod.metadata?.name, container: status.name, error: String(error) });
        return undefined;
      });
      if (result !== undefined && (result.exitCode !== 0 || result.timedOut)) {
        const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode}: ${result.stdout}${result.stderr}`;
        event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: command '${preStop.join(' ')}' ${why}`);
      }
      const spent = Math.floor((Date.now() - started) / 1000);
      grace = Math.max(MINIMUM_GRACE_SECONDS, grace - spent);
    }
    await runtime.stopContainer(status.id, grace);
  }

  /** Stops every running container of the pod at once, each within the grace period. */
  async killAll(pod: Pod, containers: readonly ContainerStatus[], gracePeriodSeconds: number): Promise<void> {
    await Promise.all(
      containers
        .filter((c) => c.state === 'running')
        .map((c) => this.kill(pod, c, gracePeriodSeconds, `Stopping container ${c.name}`)),
    );
  }
}

/** The grace period a deleting pod gets: what the delete asked for, else the pod's own setting. */
export function deletionGracePeriod(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

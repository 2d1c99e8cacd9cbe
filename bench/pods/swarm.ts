// Docker Swarm on the same daemon: a single-node swarm on 127.0.0.1 (created for the measurement
// and left again if it was not there before), one replicated service of N tasks of the same image
// and command; the clock runs from the create request until a poll of the service's tasks sees N
// of them running. The service names the image by its ID: a swarm agent tries to pull any image
// named by tag before each task (even with `docker service create --no-resolve-image`, which only
// stops the CLI's own digest lookup), and no registry may be asked here.
import type Docker from 'dockerode';
import { COMMAND, containerTimes, imageId, IMAGE, untilNoContainers } from './docker.js';
import { containersCpuSeconds, type LoadUse, type StartMeter } from './load.js';
import { dockerTime, nowMs, pause } from './stats.js';

export const SERVICE = 'supernetes-bench';
const SERVICE_SELECTOR = `com.docker.swarm.service.name=${SERVICE}`;
const POLL_MS = 50;
const GWBRIDGE = 'docker_gwbridge';

interface SwarmTask {
  ID: string;
  DesiredState?: string;
  Status?: { State?: string; Timestamp?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface SwarmResult {
  /** Create request sent → a poll of the tasks sees all N running. */
  readonly allRunningMs: number;
  /** Create request sent → the create answered. */
  readonly createAnsweredMs: number;
  /** Per task: create request sent → the task's Status.Timestamp of its running state (the swarm's own record). */
  readonly perTaskMs: readonly number[];
  /** Per task container, from Docker: Created → State.StartedAt. */
  readonly createToStartMs: readonly number[];
  /** Tasks that failed or were rejected on the way (replaced by the swarm). */
  readonly failedTasks: number;
  readonly polls: number;
  readonly removeMs: number;
  /** The machine's load while the clock ran. */
  readonly load: LoadUse;
  /** CPU seconds of the task containers' shims, runc runs and own processes up to all running. */
  readonly containersCpu: number;
}

export interface SwarmSession {
  /** True when this benchmark initialised the swarm (and so leaves it). */
  readonly created: boolean;
  leave(): Promise<void>;
}

async function networkExists(docker: Docker, name: string): Promise<boolean> {
  const networks = await docker.listNetworks({ filters: { name: [name] } });
  return networks.some((n) => n.Name === name);
}

/** A swarm to run the service in: the existing one, or a new single-node one on 127.0.0.1. */
export async function joinSwarm(docker: Docker): Promise<SwarmSession> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state === 'active') {
    if (info.Swarm?.ControlAvailable !== true) throw new Error('this Docker is a swarm worker, not a manager: cannot create a service here');
    return { created: false, leave: () => Promise.resolve() };
  }
  if (state !== 'inactive') throw new Error(`Docker swarm state is "${state}"; expected inactive or active`);
  const hadGwbridge = await networkExists(docker, GWBRIDGE);
  // As `docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377`: nothing listens beyond loopback.
  await docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
  return {
    created: true,
    leave: async () => {
      await docker.swarmLeave({ force: true });
      // The swarm made this bridge for its tasks; leaving does not remove it.
      if (!hadGwbridge && (await networkExists(docker, GWBRIDGE))) {
        try {
          await docker.getNetwork(GWBRIDGE).remove();
        } catch {
          // in use by something else now: leave it
        }
      }
    },
  };
}

async function removeService(docker: Docker): Promise<boolean> {
  const services = await docker.listServices({ filters: { name: [SERVICE] } });
  const ours = services.filter((s) => s.Spec?.Name === SERVICE);
  for (const s of ours) await docker.getService(s.ID).remove();
  return ours.length > 0;
}

async function tasksOf(docker: Docker): Promise<SwarmTask[]> {
  return (await docker.listTasks({ filters: { service: [SERVICE] } })) as SwarmTask[];
}

export async function cleanSwarmService(docker: Docker): Promise<void> {
  const info = (await docker.info()) as { Swarm?: { ControlAvailable?: boolean } };
  if (info.Swarm?.ControlAvailable === true && (await removeService(docker))) await untilNoContainers(docker, SERVICE_SELECTOR, 60_000);
}

export async function runSwarm(docker: Docker, count: number, timeoutMs: number, startMeter: StartMeter): Promise<SwarmResult> {
  if (await removeService(docker)) await untilNoContainers(docker, SERVICE_SELECTOR, 60_000);
  const image = await imageId(docker, IMAGE);
  try {
    const meter = startMeter();
    const t0 = nowMs();
    await docker.createService({
      Name: SERVICE,
      TaskTemplate: {
        // --stop-grace-period 1s, as the pods' terminationGracePeriodSeconds: sleep ignores SIGTERM.
        ContainerSpec: { Image: image, Args: COMMAND, StopGracePeriod: 1_000_000_000 },
      },
      Mode: { Replicated: { Replicas: count } },
    });
    const createAnsweredMs = nowMs() - t0;
    let polls = 0;
    let tasks: SwarmTask[] = [];
    let allRunningMs = Number.NaN;
    let load: LoadUse | undefined;
    while (nowMs() - t0 < timeoutMs) {
      tasks = await tasksOf(docker);
      polls++;
      const running = tasks.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running').length;
      if (running >= count) {
        allRunningMs = nowMs() - t0;
        load = meter();
        break;
      }
      await pause(POLL_MS);
    }
    if (Number.isNaN(allRunningMs) || load === undefined) {
      const states = new Map<string, number>();
      for (const t of tasks) states.set(t.Status?.State ?? '?', (states.get(t.Status?.State ?? '?') ?? 0) + 1);
      const err = tasks.find((t) => t.Status?.Err !== undefined)?.Status?.Err;
      throw new Error(`swarm: not all ${count} tasks running after ${timeoutMs} ms: ${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}${err === undefined ? '' : `; ${err}`}`);
    }
    const runningTasks = tasks.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running');
    const perTaskMs = runningTasks.map((t) => dockerTime(t.Status?.Timestamp) - t0);
    const failedTasks = tasks.filter((t) => t.Status?.State === 'failed' || t.Status?.State === 'rejected').length;
    const times = await containerTimes(docker, SERVICE_SELECTOR);
    const containersCpu = containersCpuSeconds(new Set(times.map((t) => t.id)));
    const removeStart = performance.now();
    await removeService(docker);
    await untilNoContainers(docker, SERVICE_SELECTOR, 60_000);
    const removeMs = performance.now() - removeStart;
    return {
      allRunningMs,
      createAnsweredMs,
      perTaskMs,
      createToStartMs: times.filter((t) => Number.isFinite(t.started)).map((t) => t.started - t.created),
      failedTasks,
      polls,
      removeMs,
      load,
      containersCpu,
    };
  } finally {
    if (await removeService(docker)) await untilNoContainers(docker, SERVICE_SELECTOR, 60_000);
  }
}

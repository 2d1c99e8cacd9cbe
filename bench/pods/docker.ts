// Docker helpers shared by the three measurements: the daemon's client, container timings read
// back from Docker (Created → State.StartedAt) and removal by label.
import Docker from 'dockerode';
import { dockerTime, pause } from './stats.js';

export const IMAGE = 'supernetes.local/busybox:latest';
export const COMMAND = ['sleep', '3600'];

/** The local daemon (DOCKER_HOST when set, else /var/run/docker.sock). */
export function dockerClient(): Docker {
  return new Docker();
}

export interface ContainerTimes {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch ms: when Docker created the container. */
  readonly created: number;
  /** Epoch ms: when its process started (NaN if it never did). */
  readonly started: number;
  readonly running: boolean;
}

/** Created and StartedAt of each container carrying `label` (key=value), from inspect (ns precision). */
export async function containerTimes(docker: Docker, label: string): Promise<ContainerTimes[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [label] } });
  const inspected = await Promise.all(
    listed.map(async (c) => {
      try {
        return await docker.getContainer(c.Id).inspect();
      } catch {
        return undefined; // removed meanwhile
      }
    }),
  );
  const times: ContainerTimes[] = [];
  for (const info of inspected) {
    if (info === undefined) continue;
    times.push({
      id: info.Id,
      labels: info.Config.Labels ?? {},
      created: dockerTime(info.Created),
      started: dockerTime(info.State.StartedAt),
      running: info.State.Running,
    });
  }
  return times;
}

/** Removes (with force: SIGKILL first) every container carrying `label`; returns how many there were. */
export async function removeByLabel(docker: Docker, label: string): Promise<number> {
  const listed = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    listed.map(async (c) => {
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
      } catch (error) {
        // Already gone (404) or being removed by its owner (409): either way it goes.
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 409) throw error;
      }
    }),
  );
  return listed.length;
}

/** Waits until no container carries `label`; returns the ms it took, or NaN on timeout. */
export async function untilNoContainers(docker: Docker, label: string, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const listed = await docker.listContainers({ all: true, filters: { label: [label] } });
    if (listed.length === 0) return performance.now() - start;
    await pause(200);
  }
  return Number.NaN;
}

/** The image's ID (sha256:...), which a swarm task can name so that no pull is ever tried. */
export async function imageId(docker: Docker, image: string): Promise<string> {
  const info = await docker.getImage(image).inspect();
  return info.Id;
}

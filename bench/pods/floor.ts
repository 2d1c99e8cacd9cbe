// The floor: what `docker run -d` of the same containers costs when nothing orchestrates them.
// N containers (the image, `sleep 3600`, the default bridge network, as `docker run -d` does) are
// created and started through the Engine API all at once; the clock stops when the last start
// has returned (Docker answers a start once the process runs). Removed afterwards.
import type Docker from 'dockerode';
import { COMMAND, IMAGE, containerTimes, removeByLabel, untilNoContainers } from './docker.js';
import { containersCpuSeconds, type LoadUse, type StartMeter } from './load.js';
import { nowMs } from './stats.js';

export const FLOOR_LABEL = 'io.supernetes.bench';
const FLOOR_VALUE = 'pods-floor';
const SELECTOR = `${FLOOR_LABEL}=${FLOOR_VALUE}`;

export interface FloorResult {
  /** First create sent → last start answered. */
  readonly allRunningMs: number;
  /** Per container: first create sent → its start answered. */
  readonly perContainerMs: readonly number[];
  /** Per container, from Docker: Created → State.StartedAt. */
  readonly createToStartMs: readonly number[];
  readonly running: number;
  /** Time to remove them all afterwards. */
  readonly removeMs: number;
  /** The machine's load while the clock ran. */
  readonly load: LoadUse;
  /** CPU seconds of the containers' shims, runc runs and own processes up to all running. */
  readonly containersCpu: number;
}

export async function cleanFloor(docker: Docker): Promise<number> {
  return removeByLabel(docker, SELECTOR);
}

export async function runFloor(docker: Docker, count: number, startMeter: StartMeter): Promise<FloorResult> {
  await cleanFloor(docker);
  try {
    const meter = startMeter();
    const t0 = nowMs();
    const settled = await Promise.allSettled(
      Array.from({ length: count }, async (_, i) => {
        const container = await docker.createContainer({
          name: `supernetes-bench-floor-${i}`,
          Image: IMAGE,
          Cmd: COMMAND,
          Labels: { [FLOOR_LABEL]: FLOOR_VALUE },
        });
        await container.start();
        return nowMs() - t0;
      }),
    );
    const failed = settled.filter((s) => s.status === 'rejected');
    if (failed.length > 0) {
      const reason = (failed[0] as PromiseRejectedResult).reason as unknown;
      throw new Error(`docker run floor: ${failed.length} of ${count} containers failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
    const perContainerMs = settled.map((s) => (s.status === 'fulfilled' ? s.value : Number.NaN));
    const allRunningMs = Math.max(...perContainerMs);
    const load = meter();
    const times = await containerTimes(docker, SELECTOR);
    const containersCpu = containersCpuSeconds(new Set(times.map((t) => t.id)));
    const running = times.filter((t) => t.running).length;
    if (running !== count) throw new Error(`docker run floor: ${running} of ${count} containers running after their starts returned`);
    const removeStart = performance.now();
    await removeByLabel(docker, SELECTOR);
    return { allRunningMs, perContainerMs, createToStartMs: times.map((t) => t.started - t.created), running, removeMs: performance.now() - removeStart, load, containersCpu };
  } finally {
    await removeByLabel(docker, SELECTOR);
    await untilNoContainers(docker, SELECTOR, 30_000);
  }
}

// The reference for the Docker case: what the same daemon takes to do the containers' part of a
// rollout without an orchestrator. N containers like the pods' (the image, `sleep 3600`, the
// default bridge network, as `docker run -d` does), through the Engine API:
//   sequential: N × (create + start), each awaited before the next (`docker run -d` in a loop);
//   parallel:   N × (create + start) all at once (`docker run -d ... &` × N);
//   replace:    N new ones started at once while the N from `parallel` are stopped (`docker stop
//               -t 1`: sleep as PID 1 ignores SIGTERM, as the pods' grace period is 1 s) and
//               removed, all at once: a whole rolling update's container work with no batches.
// Docker answers a start once the process runs. Everything is removed afterwards, even on failure.
import type Docker from 'dockerode';
import { COMMAND, IMAGE, removeByLabel, untilNoContainers } from '../pods/docker.js';

const LABEL = 'io.supernetes.bench';
const VALUE = 'rollout-floor';
const SELECTOR = `${LABEL}=${VALUE}`;

export interface FloorResult {
  readonly sequentialMs: number;
  readonly parallelMs: number;
  readonly replaceMs: number;
}

export async function cleanFloor(docker: Docker): Promise<void> {
  await removeByLabel(docker, SELECTOR);
  await untilNoContainers(docker, SELECTOR, 30_000);
}

async function run(docker: Docker, name: string): Promise<Docker.Container> {
  const container = await docker.createContainer({ name, Image: IMAGE, Cmd: COMMAND, Labels: { [LABEL]: VALUE } });
  await container.start();
  return container;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function runFloor(docker: Docker, count: number): Promise<FloorResult> {
  await cleanFloor(docker);
  const indexes = Array.from({ length: count }, (_, i) => i);
  try {
    const sequentialMs = await timed(async () => {
      for (const i of indexes) await run(docker, `supernetes-bench-rollout-seq-${i}`);
    });
    await cleanFloor(docker);
    let old: Docker.Container[] = [];
    const parallelMs = await timed(async () => {
      old = await Promise.all(indexes.map((i) => run(docker, `supernetes-bench-rollout-old-${i}`)));
    });
    const replaceMs = await timed(() =>
      Promise.all([
        ...indexes.map((i) => run(docker, `supernetes-bench-rollout-new-${i}`)),
        ...old.map(async (c) => {
          await c.stop({ t: 1 });
          await c.remove({ v: true });
        }),
      ]),
    );
    const listed = await docker.listContainers({ filters: { label: [SELECTOR] } });
    if (listed.length !== count) throw new Error(`docker floor: ${listed.length} containers running after replace, expected ${count}`);
    return { sequentialMs, parallelMs, replaceMs };
  } finally {
    await cleanFloor(docker);
  }
}

// Expectations: a burst of creates (or deletes) is never repeated before the informer shows it,
// and a controller stopped in the middle of a burst and started again finishes it without ever
// making more pods than spec.replicas. Pods are counted on every watch event, so even a brief
// overshoot that the controller corrected at once would fail the test.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../../src/client/event-recorder.js';
import { InformerFactory } from '../../../src/client/informer-factory.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { ReplicaSets, type ResourceType } from '../../../src/client/resource-types.js';
import { RestClient, type WatchEvent, type WatchOptions } from '../../../src/client/rest-client.js';
import type { ControllerContext } from '../../../src/controller/controller.js';
import { replicaSetController } from '../../../src/controller/replicaset/index.js';
import type { ClientConfig } from '../../../src/client/kubeconfig.js';
import { silentLogger } from '../../../src/util/log.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';
import { ActivePodCounter, createNamespace, eventsFor, makeReplicaSet, waitForOwnedPods, waitForStatus } from './harness.js';

/**
 * A client whose pod watches deliver every event `lagMs` late, in order: an informer far behind
 * the writes, as on a loaded API server. Without expectations the controller would count too few
 * pods right after a burst of creates and create them again (too many after deletes: delete again).
 */
class LaggyWatchClient extends RestClient {
  constructor(config: ClientConfig, private readonly lagMs: number) {
    super({ config });
  }

  override async *watch<T>(type: ResourceType, options: WatchOptions & { namespace?: string; signal?: AbortSignal }): AsyncGenerator<WatchEvent<T>> {
    const source = super.watch<T>(type, options);
    if (type.plural !== 'pods') {
      yield* source;
      return;
    }
    const buffer: { at: number; event: WatchEvent<T> }[] = [];
    let finished = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const pump = (async () => {
      try {
        for await (const event of source) {
          buffer.push({ at: Date.now() + this.lagMs, event });
          wake?.();
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        finished = true;
        wake?.();
      }
    })();
    for (;;) {
      const head = buffer.shift();
      if (head !== undefined) {
        const wait = head.at - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        yield head.event;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await pump;
    if (failure !== undefined) throw failure;
  }
}

let t: TestControllers;

beforeAll(async () => {
  t = await startTestControllers([replicaSetController]);
});

afterAll(async () => {
  await t?.stop();
});

/** How many pods the SuccessfulCreate events of the ReplicaSet name (each event counts its repeats). */
async function createdCount(namespace: string, name: string): Promise<number> {
  const events = (await eventsFor(t.client, namespace, name)).filter((e) => e.reason === 'SuccessfulCreate');
  return events.reduce((sum, e) => sum + (e.count ?? 1), 0);
}

describe('ReplicaSet expectations', () => {
  it('creates a burst exactly once and deletes down without going below, with a watch 400 ms behind', async () => {
    // This test runs its own controller on a laggy client; the shared one sees other namespaces only.
    const ns = 'exp-lag';
    await createNamespace(t.client, ns);
    const config = await loadKubeconfig(t.plane.kubeconfigPath);
    const laggy = new LaggyWatchClient(config, 400);
    const context: ControllerContext = {
      client: laggy,
      informers: new InformerFactory({ client: laggy, logger: silentLogger }),
      recorder: new EventRecorder({ client: laggy, component: 'laggy-controller', logger: silentLogger }),
      logger: silentLogger,
      now: () => new Date(),
    };
    const stop = new AbortController();
    const controller = replicaSetController(context);
    context.informers.start(stop.signal);
    await context.informers.waitForSync(stop.signal);
    const counter = new ActivePodCounter(t.client, ns);
    await counter.start();
    await t.stopControllers();
    const running = controller.run(stop.signal);
    try {
      const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet(ns, 'burst', { replicas: 40 }));
      const uid = rs.metadata?.uid ?? '';
      await waitForOwnedPods(t.client, ns, uid, 40, 60_000);
      await waitForStatus(t.client, ns, 'burst', (r) => r.status?.replicas === 40, 'replicas 40', 30_000);
      await waitFor(async () => (await createdCount(ns, 'burst')) >= 40, { what: '40 SuccessfulCreate events', timeoutMs: 30_000 });
      expect(counter.max).toBe(40);

      counter.resetMin();
      await t.client.patch(ReplicaSets, 'burst', ns, { spec: { replicas: 5 } }, 'merge');
      await waitForOwnedPods(t.client, ns, uid, 5, 60_000);
      await waitForStatus(t.client, ns, 'burst', (r) => r.status?.replicas === 5, 'replicas 5', 30_000);
      expect(counter.min).toBe(5);
      expect(counter.max).toBe(40);
      expect(await createdCount(ns, 'burst')).toBe(40);
    } finally {
      stop.abort();
      await running;
      await counter.stop();
      await t.restartControllers();
      laggy.close();
    }
  });

  it('never makes more than replicas pods when restarted in the middle of bursts', async () => {
    const ns = 'exp-restart';
    await createNamespace(t.client, ns);
    const counter = new ActivePodCounter(t.client, ns);
    await counter.start();
    try {
      const rs = await t.client.create<ReplicaSet>(ReplicaSets, makeReplicaSet(ns, 'restart', { replicas: 80 }));
      const uid = rs.metadata?.uid ?? '';
      const stoppedAt: number[] = [];
      for (const threshold of [2, 12, 30]) {
        await waitFor(() => counter.current >= threshold, { what: `${threshold} pods`, timeoutMs: 30_000, intervalMs: 2 });
        await t.stopControllers();
        stoppedAt.push(counter.current);
        await t.restartControllers();
      }
      await waitForOwnedPods(t.client, ns, uid, 80, 60_000);
      await waitForStatus(t.client, ns, 'restart', (r) => r.status?.replicas === 80, 'replicas 80', 30_000);
      // At least one stop really came in the middle of a burst, or the test proves nothing.
      expect(stoppedAt.some((n) => n < 80)).toBe(true);
      expect(counter.max).toBe(80);
      expect(await createdCount(ns, 'restart')).toBe(80);
    } finally {
      await counter.stop();
    }
  });
});

// A bind the API server refuses: the scheduler forgets the room it had assumed (else the retry
// would find the node full), reports the failure, and binds on the next try.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/client/client-errors.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { Pods, type ResourceType } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { SuperScheduler } from '../../src/scheduler/scheduler.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { waitFor } from '../support/wait.js';
import { makePod } from './builders.js';
import { createNamespace, createNode, eventsFor, podScheduled, waitBound } from './harness.js';

class FlakyBindClient extends RestClient {
  failuresLeft = 1;
  bindAttempts = 0;

  override async postSubresource<T>(type: ResourceType, name: string, namespace: string | undefined, subresource: string, body: unknown): Promise<T> {
    if (subresource === 'binding') {
      this.bindAttempts++;
      if (this.failuresLeft-- > 0) throw new ApiError(500, 'InternalError', 'Internal error occurred: injected');
    }
    return super.postSubresource<T>(type, name, namespace, subresource, body);
  }
}

let cp: TestControlPlane;
let client: RestClient;
let flaky: FlakyBindClient;
const abort = new AbortController();
let scheduler: SuperScheduler;

beforeAll(async () => {
  cp = await startTestControlPlane();
  const config = await loadKubeconfig(cp.kubeconfigPath);
  client = new RestClient({ config });
  flaky = new FlakyBindClient({ config });
  scheduler = new SuperScheduler({ client: flaky, logger: silentLogger, initialBackoffMs: 100, maxBackoffMs: 500 });
  await scheduler.start(abort.signal);
});

afterAll(async () => {
  abort.abort();
  await scheduler?.stopped();
  flaky?.close();
  client?.close();
  await cp?.stop();
});

describe('a refused bind', () => {
  it('is forgotten, reported, and retried until the pod is bound', async () => {
    await createNamespace(client, 'flaky');
    await createNode(client, 'only', { cpu: '1' });
    await waitFor(() => scheduler.stats().readyNodes === 1, { what: 'the node to be seen' });
    const { uid: _uid, ...metadata } = makePod('exact', { namespace: 'flaky' }).metadata ?? {};
    await client.create<Pod>(Pods, { ...makePod('exact', { namespace: 'flaky', cpu: '1' }), metadata });
    expect((await waitBound(client, 'flaky', ['exact'])).get('exact')).toBe('only');
    expect(flaky.bindAttempts).toBe(2);
    const failed = await waitFor(async () => (await eventsFor(client, 'flaky', 'exact')).find((e) => e.reason === 'FailedScheduling'), {
      what: 'a FailedScheduling event',
    });
    expect(failed.message).toBe('binding rejected: Internal error occurred: injected');
    expect(podScheduled(await client.get<Pod>(Pods, 'exact', 'flaky'))?.status).toBe('True');
    expect(scheduler.stats().cachedPods).toBe(1);
  });
});

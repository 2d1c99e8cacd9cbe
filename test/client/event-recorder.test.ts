// The event recorder against a real API server: what an Event carries, aggregation of repeats,
// the 10-minute window, and that failures never reach the caller.
import type { ConfigMap, Event, Namespace, Node } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { ConfigMaps, Events, Namespaces } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { createLogger, silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

let cp: TestControlPlane;
let client: RestClient;
const ns = 'recorder';

beforeAll(async () => {
  cp = await startTestControlPlane();
  client = new RestClient({ config: await loadKubeconfig(cp.kubeconfigPath) });
  await client.create<Namespace>(Namespaces, { metadata: { name: ns } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

async function eventsAbout(name: string, namespace = ns): Promise<Event[]> {
  const list = await client.list<Event>(Events, { namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

describe('EventRecorder', () => {
  it('creates an Event with the reference, source and timestamps', async () => {
    const target = await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'target', namespace: ns } });
    const recorder = new EventRecorder({ client, component: 'test-controller', host: 'node-1', logger: silentLogger });
    expect(recorder.event(target, 'Normal', 'Created', 'made it')).toBeUndefined();
    await recorder.flush();
    const [event, ...rest] = await eventsAbout('target');
    expect(rest).toEqual([]);
    expect(event?.involvedObject).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', name: 'target', namespace: ns, uid: target.metadata?.uid });
    expect(event?.reason).toBe('Created');
    expect(event?.message).toBe('made it');
    expect(event?.type).toBe('Normal');
    expect(event?.source).toEqual({ component: 'test-controller', host: 'node-1' });
    expect(event?.reportingComponent).toBe('test-controller');
    expect(event?.count).toBe(1);
    expect(event?.firstTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(event?.lastTimestamp).toBe(event?.firstTimestamp);
    expect(event?.metadata?.name).toMatch(/^target\.[0-9a-f]+$/);
  });

  it('aggregates repeats of the same object, reason and message into one Event, even when fired together', async () => {
    const target = await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'repeated', namespace: ns } });
    let now = Date.parse('2030-01-01T00:00:00Z');
    const recorder = new EventRecorder({ client, component: 'c', clock: () => new Date(now), logger: silentLogger });
    for (let i = 0; i < 5; i++) {
      recorder.event(target, 'Warning', 'BackOff', 'restarting');
      now += 1000;
    }
    recorder.event(target, 'Warning', 'BackOff', 'a different message');
    await recorder.flush();
    const events = await eventsAbout('repeated');
    expect(events).toHaveLength(2);
    const repeated = events.find((e) => e.message === 'restarting');
    expect(repeated?.count).toBe(5);
    expect(repeated?.firstTimestamp).toBe('2030-01-01T00:00:00Z');
    expect(repeated?.lastTimestamp).toBe('2030-01-01T00:00:04Z');
    expect(events.find((e) => e.message === 'a different message')?.count).toBe(1);
  });

  it('starts a new Event once the 10-minute window has passed, or when the old one was deleted', async () => {
    const target = await client.create<ConfigMap>(ConfigMaps, { metadata: { name: 'windowed', namespace: ns } });
    let now = Date.parse('2030-01-01T00:00:00Z');
    const recorder = new EventRecorder({ client, component: 'c', clock: () => new Date(now), logger: silentLogger });
    recorder.event(target, 'Normal', 'Tick', 'tick');
    now += 9 * 60 * 1000;
    recorder.event(target, 'Normal', 'Tick', 'tick');
    await recorder.flush();
    expect((await eventsAbout('windowed')).map((e) => e.count)).toEqual([2]);
    // 10 minutes after the last sighting: a new Event.
    now += 10 * 60 * 1000;
    recorder.event(target, 'Normal', 'Tick', 'tick');
    await recorder.flush();
    expect((await eventsAbout('windowed')).map((e) => e.count).sort()).toEqual([1, 2]);
    for (const e of await eventsAbout('windowed')) await client.delete(Events, e.metadata?.name ?? '', ns);
    now += 1000;
    recorder.event(target, 'Normal', 'Tick', 'tick');
    await recorder.flush();
    expect((await eventsAbout('windowed')).map((e) => e.count)).toEqual([1]);
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'recorder-node', uid: 'u-1' } };
    const recorder = new EventRecorder({ client, component: 'c', logger: silentLogger });
    recorder.event(node, 'Normal', 'Registered', 'hello');
    await recorder.flush();
    const [event] = await eventsAbout('recorder-node', 'default');
    expect(event?.involvedObject.namespace).toBeUndefined();
    expect(event?.involvedObject.kind).toBe('Node');
  });

  it('never throws, and logs what it could not record', async () => {
    const lines: string[] = [];
    const broken = new RestClient({ config: { ...client.config, server: 'https://127.0.0.1:1' } });
    const recorder = new EventRecorder({ client: broken, component: 'c', logger: createLogger('t', 'debug', (l) => lines.push(l)) });
    expect(() => recorder.event({ kind: 'Pod', metadata: { name: 'p', namespace: ns } }, 'Warning', 'Failed', 'nope')).not.toThrow();
    // Odd input too: no metadata at all.
    expect(() => recorder.event({}, 'Normal', 'X', 'y')).not.toThrow();
    await recorder.flush();
    broken.close();
    expect(lines.filter((l) => l.includes('could not record event'))).toHaveLength(2);
  });
});

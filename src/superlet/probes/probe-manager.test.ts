import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { ProbeManager, type ProbeEvent, type ProbeResultChange } from './probe-manager.js';
import type { ProbeRunner, ProbeTarget } from './prober.js';
import type { ProbeOutcome } from './probe-types.js';
import { probeSettings } from './probe-worker.js';

// A prober whose answer for each probe spec the test sets; it records every call.
class FakeProber implements ProbeRunner {
  readonly calls: { probe: Probe; target: ProbeTarget; at: number }[] = [];
  private readonly answers = new Map<Probe, ProbeOutcome>();
  set(probe: Probe, outcome: ProbeOutcome | 'success' | 'failure'): void {
    this.answers.set(probe, typeof outcome === 'string' ? { result: outcome, output: outcome === 'failure' ? 'boom' : 'ok' } : outcome);
  }
  run(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
    this.calls.push({ probe, target, at: Date.now() });
    return Promise.resolve(this.answers.get(probe) ?? { result: 'success', output: 'ok' });
  }
  count(probe: Probe): number {
    return this.calls.filter((c) => c.probe === probe).length;
  }
}

const T0 = new Date('2030-01-01T00:00:00Z');

function pod(containers: Container[], extra: { restartPolicy?: 'Always' | 'Never'; podIP?: string; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'uid-1', ...(extra.deleting ? { deletionTimestamp: T0.toISOString() } : {}) },
    spec: { containers, ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}) },
    status: { podIP: extra.podIP ?? '10.0.0.5' },
  };
}

function status(name: string, id: string, state: ContainerStatus['state'] = 'running', attempt = 0): ContainerStatus {
  return {
    id,
    pod: { uid: 'uid-1', name: 'web', namespace: 'ns', nodeName: 'n' },
    sandboxId: 's',
    name,
    attempt,
    state,
    createdAt: new Date(Date.now()),
    startedAt: new Date(Date.now()),
    image: 'busybox',
    imageRef: 'sha256:x',
    annotations: {},
  };
}

let prober: FakeProber;
let changes: ProbeResultChange[];
let events: ProbeEvent[];
let manager: ProbeManager;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  prober = new FakeProber();
  changes = [];
  events = [];
  manager = new ProbeManager({ prober, onResult: (c) => changes.push(c), onEvent: (e) => events.push(e) });
});
afterEach(() => {
  manager.stop();
  vi.useRealTimers();
});

const exec = (extra: Partial<Probe> = {}): Probe => ({ exec: { command: ['true'] }, ...extra });

describe('probeSettings', () => {
  it('defaults as Kubernetes', () => {
    expect(probeSettings({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, successThreshold: 1, failureThreshold: 3 });
    expect(probeSettings({ initialDelaySeconds: 2, periodSeconds: 3, successThreshold: 4, failureThreshold: 5 })).toEqual({
      initialDelayMs: 2000,
      periodMs: 3000,
      successThreshold: 4,
      failureThreshold: 5,
    });
  });
});

describe('ProbeManager', () => {
  it('without probes a running container is started and ready at once; a stopped one is neither', () => {
    manager.ensure(pod([{ name: 'main' }]), [status('main', 'c1')]);
    expect(manager.isStarted('uid-1', 'main')).toBe(true);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(manager.workerCount).toBe(0);
    manager.ensure(pod([{ name: 'main' }]), [status('main', 'c1', 'exited')]);
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    expect(manager.isReady('uid-1', 'other')).toBe(false);
    expect(manager.isReady('nope', 'main')).toBe(false);
  });

  it('readiness is false until the first success after the initial delay, then runs every period', async () => {
    const readiness = exec({ initialDelaySeconds: 5, periodSeconds: 2 });
    manager.ensure(pod([{ name: 'main', readinessProbe: readiness }]), [status('main', 'c1')]);
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(prober.count(readiness)).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(prober.count(readiness)).toBe(1);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(changes).toEqual([{ podUid: 'uid-1', containerName: 'main', containerId: 'c1', probe: 'readiness', result: 'success', output: 'ok' }]);
    await vi.advanceTimersByTimeAsync(6000);
    expect(prober.calls.map((c) => c.at - T0.getTime())).toEqual([5000, 7000, 9000, 11000]);
    // Unchanged results are not reported again.
    expect(changes).toHaveLength(1);
  });

  it('failureThreshold failures in a row make readiness false, and a success makes it true again', async () => {
    const readiness = exec({ periodSeconds: 1, failureThreshold: 2 });
    manager.ensure(pod([{ name: 'main', readinessProbe: readiness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    prober.set(readiness, 'failure');
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    expect(changes.at(-1)).toMatchObject({ probe: 'readiness', result: 'failure', output: 'Readiness probe failed: boom' });
    expect(changes.at(-1)?.killMessage).toBeUndefined();
    prober.set(readiness, 'success');
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(changes.map((c) => c.result)).toEqual(['success', 'failure', 'success']);
    expect(events.map((e) => e.message)).toEqual(['Readiness probe failed: boom', 'Readiness probe failed: boom']);
  });

  it('successThreshold needs that many successes in a row; a failure in between starts over', async () => {
    const readiness = exec({ periodSeconds: 1, successThreshold: 3 });
    manager.ensure(pod([{ name: 'main', readinessProbe: readiness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(1000); // runs at 0 and 1 s: two successes
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    prober.set(readiness, 'failure');
    await vi.advanceTimersByTimeAsync(1000);
    prober.set(readiness, 'success');
    await vi.advanceTimersByTimeAsync(2000);
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
  });

  it('liveness: reported after failureThreshold failures with the kill message, then probing stops', async () => {
    const liveness = exec({ periodSeconds: 10 });
    prober.set(liveness, { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    manager.ensure(pod([{ name: 'main', livenessProbe: liveness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(changes).toEqual([
      {
        podUid: 'uid-1',
        containerName: 'main',
        containerId: 'c1',
        probe: 'liveness',
        result: 'failure',
        output: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
        killMessage: 'Container main failed liveness probe, will be restarted',
      },
    ]);
    expect(events).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(prober.count(liveness)).toBe(3);
    // Liveness does not make a container unready.
    expect(manager.isReady('uid-1', 'main')).toBe(true);
  });

  it('a new container id gets fresh workers and results; the old ones stop', async () => {
    const liveness = exec({ periodSeconds: 1, failureThreshold: 1 });
    const readiness = exec({ periodSeconds: 1 });
    const p = pod([{ name: 'main', livenessProbe: liveness, readinessProbe: readiness }]);
    prober.set(liveness, 'failure');
    manager.ensure(p, [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(changes.map((c) => `${c.containerId} ${c.probe} ${c.result}`)).toEqual(['c1 liveness failure', 'c1 readiness success']);
    prober.set(liveness, 'success');
    manager.ensure(p, [status('main', 'c1', 'exited', 0), status('main', 'c2', 'running', 1)]);
    expect(manager.isReady('uid-1', 'main')).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(prober.calls.filter((c) => c.target.containerId === 'c2').length).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(prober.calls.every((c) => c.target.containerId === 'c2' || c.at === T0.getTime())).toBe(true);
    expect(manager.workerCount).toBe(2);
  });

  it('a container seen created and then running under the same id gets its workers', async () => {
    const readiness = exec();
    const p = pod([{ name: 'main', readinessProbe: readiness }]);
    manager.ensure(p, [status('main', 'c1', 'created')]);
    expect(manager.workerCount).toBe(0);
    manager.ensure(p, [status('main', 'c1')]);
    expect(manager.workerCount).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
  });

  it('restartPolicy Never: the kill message does not promise a restart', async () => {
    const liveness = exec({ failureThreshold: 1 });
    prober.set(liveness, 'failure');
    manager.ensure(pod([{ name: 'main', livenessProbe: liveness }], { restartPolicy: 'Never' }), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(changes[0]?.killMessage).toBe('Container main failed liveness probe');
  });

  it('a startup probe holds liveness and readiness back until it passes', async () => {
    const startup = exec({ periodSeconds: 1, failureThreshold: 30 });
    const liveness = exec({ periodSeconds: 10 });
    const readiness = exec({ periodSeconds: 10 });
    prober.set(startup, 'failure');
    manager.ensure(pod([{ name: 'main', startupProbe: startup, livenessProbe: liveness, readinessProbe: readiness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(prober.count(startup)).toBe(13);
    expect(prober.count(liveness) + prober.count(readiness)).toBe(0);
    expect(manager.isStarted('uid-1', 'main')).toBe(false);
    expect(manager.isReady('uid-1', 'main')).toBe(false);

    prober.set(startup, 'success');
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.isStarted('uid-1', 'main')).toBe(true);
    // Readiness runs as soon as the container has started, not at its next tick (20 s).
    await vi.advanceTimersByTimeAsync(500);
    const readinessRuns = prober.calls.filter((c) => c.probe === readiness).map((c) => c.at - T0.getTime());
    expect(readinessRuns).toHaveLength(1);
    expect(readinessRuns[0]).toBeLessThan(13_010);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(changes.map((c) => `${c.probe} ${c.result}`)).toEqual(['startup success', 'readiness success']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(prober.count(startup)).toBe(14);
    expect(prober.count(liveness)).toBeGreaterThan(0);
  });

  it('a startup probe failing failureThreshold times is a kill', async () => {
    const startup = exec({ periodSeconds: 1, failureThreshold: 2 });
    prober.set(startup, 'failure');
    manager.ensure(pod([{ name: 'main', startupProbe: startup }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes).toMatchObject([{ probe: 'startup', result: 'failure', output: 'Startup probe failed: boom', killMessage: 'Container main failed startup probe, will be restarted' }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(prober.count(startup)).toBe(2);
  });

  it('an errored probe is retried, reported as errored, and not counted', async () => {
    const liveness = exec({ periodSeconds: 1, failureThreshold: 1 });
    prober.set(liveness, { result: 'unknown', output: '', error: 'no such container: c1' });
    manager.ensure(pod([{ name: 'main', livenessProbe: liveness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(prober.count(liveness)).toBe(6);
    expect(changes).toEqual([]);
    expect(events).toEqual([
      { podUid: 'uid-1', containerName: 'main', probe: 'liveness', reason: 'Unhealthy', message: 'Liveness probe errored: no such container: c1' },
      { podUid: 'uid-1', containerName: 'main', probe: 'liveness', reason: 'Unhealthy', message: 'Liveness probe errored: no such container: c1' },
    ]);
  });

  it('a warning counts as success and is reported as ProbeWarning', async () => {
    const readiness = exec();
    prober.set(readiness, { result: 'warning', output: 'Probe terminated redirects, Response body: ' });
    manager.ensure(pod([{ name: 'main', readinessProbe: readiness }]), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.isReady('uid-1', 'main')).toBe(true);
    expect(events).toEqual([{ podUid: 'uid-1', containerName: 'main', probe: 'readiness', reason: 'ProbeWarning', message: 'Readiness probe warning: Probe terminated redirects, Response body: ' }]);
  });

  it('network probes wait for the pod address; the given address wins over the status', async () => {
    const readiness: Probe = { tcpSocket: { port: 80 }, periodSeconds: 1 };
    const p = pod([{ name: 'main', readinessProbe: readiness }], { podIP: '' });
    manager.ensure(p, [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(prober.count(readiness)).toBe(0);
    manager.ensure(p, [status('main', 'c1')], '172.17.0.9');
    await vi.advanceTimersByTimeAsync(1000);
    expect(prober.calls.map((c) => c.target.podIP)).toEqual(['172.17.0.9']);
  });

  it('a stopped container, a finished pod or a removed pod stops the workers', async () => {
    const readiness = exec({ periodSeconds: 1 });
    const p = pod([{ name: 'main', readinessProbe: readiness }]);
    manager.ensure(p, [status('main', 'c1')]);
    expect(manager.workerCount).toBe(1);
    manager.ensure(p, [status('main', 'c1', 'exited')]);
    expect(manager.workerCount).toBe(0);
    expect(manager.isReady('uid-1', 'main')).toBe(false);

    manager.ensure(p, [status('main', 'c2')]);
    expect(manager.workerCount).toBe(1);
    manager.ensure({ ...p, status: { phase: 'Failed' } }, [status('main', 'c2')]);
    expect(manager.workerCount).toBe(0);

    manager.ensure(p, [status('main', 'c3')]);
    await vi.advanceTimersByTimeAsync(0);
    manager.removePod('uid-1');
    const calls = prober.calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(prober.calls.length).toBe(calls);
    expect(manager.workerCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a deleting pod stops liveness (reported healthy) and keeps probing readiness', async () => {
    const liveness = exec({ periodSeconds: 1 });
    const readiness = exec({ periodSeconds: 1 });
    const containers = [{ name: 'main', livenessProbe: liveness, readinessProbe: readiness }];
    manager.ensure(pod(containers), [status('main', 'c1')]);
    await vi.advanceTimersByTimeAsync(0);
    manager.ensure(pod(containers, { deleting: true }), [status('main', 'c1')]);
    const before = prober.count(liveness);
    await vi.advanceTimersByTimeAsync(3000);
    expect(prober.count(liveness)).toBe(before);
    expect(prober.count(readiness)).toBe(4);
  });

  it('sidecar init containers are probed; plain init containers are not', () => {
    const p: Pod = {
      metadata: { uid: 'uid-1' },
      spec: {
        initContainers: [
          { name: 'setup', readinessProbe: exec() },
          { name: 'proxy', restartPolicy: 'Always', readinessProbe: exec() },
        ],
        containers: [{ name: 'main' }],
      },
    };
    manager.ensure(p, [status('setup', 's1'), status('proxy', 'p1'), status('main', 'm1')]);
    expect(manager.workerCount).toBe(1);
  });

  it('needs something to probe with', () => {
    expect(() => new ProbeManager({ onResult: () => undefined })).toThrow('needs a runtime or a prober');
  });
});

import { describe, expect, it } from 'vitest';
import type { Container, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/runtime.js';
import { computePodStatus, computeQosClass, podStatusEqual, type PodRuntimeView } from './pod-status.js';

const T0 = new Date('2024-05-01T10:00:00.750Z');
const T1 = new Date('2024-05-01T10:05:00.250Z');
const T0S = '2024-05-01T10:00:00Z';
const T1S = '2024-05-01T10:05:00Z';
const REF = { uid: 'uid-1', name: 'web', namespace: 'default', nodeName: 'node-a' };

function pod(options: { containers?: Container[]; initContainers?: Container[]; restartPolicy?: string; status?: PodStatus } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: {
      nodeName: 'node-a',
      restartPolicy: options.restartPolicy ?? 'Always',
      containers: options.containers ?? [{ name: 'app', image: 'busybox' }],
      ...(options.initContainers === undefined ? {} : { initContainers: options.initContainers }),
    },
    status: options.status ?? { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const sandbox: SandboxStatus = { id: 'sb1', pod: REF, state: 'ready', ip: '172.17.0.5', createdAt: T0, annotations: {} };

let nextId = 0;
function ctr(name: string, attempt: number, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  nextId++;
  const base: ContainerStatus = {
    id: `c${nextId}`,
    pod: REF,
    sandboxId: 'sb1',
    name,
    attempt,
    state,
    createdAt: new Date(T0.getTime() + attempt * 1000),
    image: 'busybox',
    imageRef: 'sha256:abc',
    annotations: {},
  };
  if (state === 'running') base.startedAt = new Date(T0.getTime() + attempt * 1000 + 500);
  if (state === 'exited') {
    base.startedAt = new Date(T0.getTime() + attempt * 1000 + 500);
    base.finishedAt = new Date(T0.getTime() + attempt * 1000 + 900);
    base.exitCode = extra.exitCode ?? 0;
  }
  return { ...base, ...extra };
}

function view(partial: Partial<PodRuntimeView> = {}): PodRuntimeView {
  return {
    sandbox,
    containers: [],
    waiting: new Map(),
    ready: new Map(),
    started: new Map(),
    hostIP: '10.0.0.2',
    now: T0,
    ...partial,
  };
}

function condition(status: PodStatus, type: string): PodCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

function cs(status: PodStatus, name: string): ApiContainerStatus | undefined {
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === name);
}

describe('computePodStatus: a new pod', () => {
  it('is Pending with ContainerCreating, kubelet conditions in upstream order and a start time', () => {
    const p = pod({ containers: [{ name: 'b', image: 'busybox' }, { name: 'a', image: 'nginx' }] });
    const status = computePodStatus(p, view({ sandbox: undefined }));
    expect(status.phase).toBe('Pending');
    expect(status.conditions?.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(condition(status, 'PodReadyToStartContainers')?.status).toBe('False');
    expect(condition(status, 'Initialized')?.status).toBe('True');
    expect(condition(status, 'Ready')).toEqual({
      type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b a]', lastTransitionTime: T0S,
    });
    expect(condition(status, 'ContainersReady')?.message).toBe('containers with unready status: [b a]');
    // Sorted by name, as upstream normalizes them.
    expect(status.containerStatuses?.map((s) => s.name)).toEqual(['a', 'b']);
    expect(cs(status, 'a')).toEqual({
      name: 'a', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, started: false,
      restartCount: 0, image: 'nginx', imageID: '',
    });
    expect(status.startTime).toBe(T0S);
    expect(status.hostIP).toBe('10.0.0.2');
    expect(status.hostIPs).toEqual([{ ip: '10.0.0.2' }]);
    expect(status.podIP).toBeUndefined();
    expect(status.qosClass).toBe('BestEffort');
    expect(status.initContainerStatuses).toBeUndefined();
  });

  it('reports ErrImagePull and ImagePullBackOff as waiting reasons', () => {
    const waiting = new Map([['app', { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' }]]);
    const status = computePodStatus(pod(), view({ waiting }));
    expect(status.phase).toBe('Pending');
    expect(cs(status, 'app')?.state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } });
    expect(condition(status, 'PodReadyToStartContainers')?.status).toBe('True');
  });

  it('reports a container that was created but not started as waiting', () => {
    const status = computePodStatus(pod(), view({ containers: [ctr('app', 0, 'created')] }));
    expect(cs(status, 'app')?.state).toEqual({ waiting: {} });
    expect(cs(status, 'app')?.containerID).toMatch(/^docker:\/\/c\d+$/);
    expect(status.phase).toBe('Pending');
  });
});

describe('computePodStatus: running pods', () => {
  it('is Running and Ready with the pod IP, container ids and image ids', () => {
    const running = ctr('app', 0, 'running');
    const status = computePodStatus(pod(), view({ containers: [running] }));
    expect(status.phase).toBe('Running');
    expect(status.podIP).toBe('172.17.0.5');
    expect(status.podIPs).toEqual([{ ip: '172.17.0.5' }]);
    expect(cs(status, 'app')).toEqual({
      name: 'app', state: { running: { startedAt: '2024-05-01T10:00:01Z' } }, lastState: {}, ready: true, started: true,
      restartCount: 0, image: 'busybox', imageID: 'docker://sha256:abc', containerID: `docker://${running.id}`,
    });
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']) {
      expect(condition(status, type)?.status, type).toBe('True');
    }
    expect(condition(status, 'Ready')?.reason).toBeUndefined();
  });

  it('names a digest image reference docker-pullable', () => {
    const status = computePodStatus(pod(), view({ containers: [ctr('app', 0, 'running', { imageRef: 'registry/busybox@sha256:def' })] }));
    expect(cs(status, 'app')?.imageID).toBe('docker-pullable://registry/busybox@sha256:def');
  });

  it('uses the runtime name as the container id scheme', () => {
    const running = ctr('app', 0, 'running');
    const status = computePodStatus(pod(), view({ containers: [running], runtimeName: 'fake' }));
    expect(cs(status, 'app')?.containerID).toBe(`fake://${running.id}`);
  });

  it('is not ready until the readiness probe succeeds', () => {
    const p = pod({ containers: [{ name: 'app', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }] });
    const containers = [ctr('app', 0, 'running')];
    const before = computePodStatus(p, view({ containers }));
    expect(cs(before, 'app')?.ready).toBe(false);
    expect(cs(before, 'app')?.started).toBe(true);
    expect(condition(before, 'Ready')?.message).toBe('containers with unready status: [app]');
    const after = computePodStatus(p, view({ containers, ready: new Map([['app', true]]), now: T1 }), before);
    expect(cs(after, 'app')?.ready).toBe(true);
    expect(condition(after, 'Ready')).toEqual({ type: 'Ready', status: 'True', lastTransitionTime: T1S });
    const failing = computePodStatus(p, view({ containers, ready: new Map([['app', false]]) }));
    expect(cs(failing, 'app')?.ready).toBe(false);
  });

  it('is neither started nor ready until the startup probe succeeds', () => {
    const p = pod({ containers: [{ name: 'app', image: 'busybox', startupProbe: { exec: { command: ['true'] } } }] });
    const containers = [ctr('app', 0, 'running')];
    const before = computePodStatus(p, view({ containers, ready: new Map([['app', true]]) }));
    expect(cs(before, 'app')).toMatchObject({ started: false, ready: false });
    const after = computePodStatus(p, view({ containers, started: new Map([['app', true]]) }));
    expect(cs(after, 'app')).toMatchObject({ started: true, ready: true });
  });

  it('ANDs readiness gates into Ready', () => {
    const p = pod();
    p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }];
    const containers = [ctr('app', 0, 'running')];
    const missing = computePodStatus(p, view({ containers }));
    expect(condition(missing, 'ContainersReady')?.status).toBe('True');
    expect(condition(missing, 'Ready')).toMatchObject({
      status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
    });
    p.status!.conditions = [{ type: 'example.com/lb', status: 'False' }];
    const unready = computePodStatus(p, view({ containers }));
    expect(condition(unready, 'Ready')?.message).toBe('the status of pod readiness gate "example.com/lb" is not "True", but False');
    // Conditions nobody in the kubelet owns are kept as the API has them.
    expect(condition(unready, 'example.com/lb')).toEqual({ type: 'example.com/lb', status: 'False' });
    p.status!.conditions = [{ type: 'example.com/lb', status: 'True' }];
    expect(condition(computePodStatus(p, view({ containers })), 'Ready')?.status).toBe('True');
  });

  it('gives a host-network pod the node address', () => {
    const p = pod();
    p.spec!.hostNetwork = true;
    const status = computePodStatus(p, view({ containers: [ctr('app', 0, 'running')], sandbox: { ...sandbox, ip: '' } }));
    expect(status.podIP).toBe('10.0.0.2');
    expect(condition(status, 'PodReadyToStartContainers')?.status).toBe('True');
  });
});

describe('computePodStatus: restarts and failures', () => {
  it('shows a crash loop: waiting CrashLoopBackOff, the last attempt as lastState, its number as restartCount', () => {
    const message = 'back-off 10s restarting failed container=app pod=web_default(uid-1)';
    const first = ctr('app', 0, 'exited', { exitCode: 1 });
    const second = ctr('app', 1, 'exited', { exitCode: 2 });
    const status = computePodStatus(pod(), view({ containers: [first, second], waiting: new Map([['app', { reason: 'CrashLoopBackOff', message }]]) }));
    const app = cs(status, 'app');
    expect(app?.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message } });
    expect(app?.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', containerID: `docker://${second.id}` });
    expect(app?.restartCount).toBe(1);
    expect(app?.ready).toBe(false);
    expect(status.phase).toBe('Running');
  });

  it('shows the previous attempt as lastState while the new one runs', () => {
    const first = ctr('app', 0, 'exited', { exitCode: 1 });
    const status = computePodStatus(pod(), view({ containers: [ctr('app', 1, 'running'), first] }));
    expect(cs(status, 'app')?.state?.running).toBeDefined();
    expect(cs(status, 'app')?.lastState).toEqual({
      terminated: {
        exitCode: 1, reason: 'Error', startedAt: '2024-05-01T10:00:01Z', finishedAt: '2024-05-01T10:00:01Z', containerID: `docker://${first.id}`,
      },
    });
    expect(cs(status, 'app')?.restartCount).toBe(1);
  });

  it('reports OOMKilled, and a Never pod with a failure is Failed', () => {
    const status = computePodStatus(pod({ restartPolicy: 'Never' }), view({ containers: [ctr('app', 0, 'exited', { exitCode: 137, reason: 'OOMKilled' })] }));
    expect(cs(status, 'app')?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(status.phase).toBe('Failed');
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('does not show a waiting reason for a container its policy will not restart', () => {
    const waiting = new Map([['app', { reason: 'CrashLoopBackOff' }]]);
    const status = computePodStatus(pod({ restartPolicy: 'OnFailure' }), view({ containers: [ctr('app', 0, 'exited', { exitCode: 0 })], waiting }));
    expect(cs(status, 'app')?.state?.terminated?.reason).toBe('Completed');
    expect(status.phase).toBe('Succeeded');
  });

  it('does not show waiting reasons for a pod being deleted', () => {
    const p: Pod = { ...pod(), metadata: { ...pod().metadata, deletionTimestamp: T0S } };
    const status = computePodStatus(p, view({ containers: [ctr('app', 0, 'exited', { exitCode: 1 })], waiting: new Map([['app', { reason: 'CrashLoopBackOff' }]]) }));
    expect(cs(status, 'app')?.state?.terminated).toBeDefined();
  });

  it('infers a termination for a running container the runtime lost', () => {
    const previous = computePodStatus(pod(), view({ containers: [ctr('app', 0, 'running')] }));
    const status = computePodStatus(pod(), view({ containers: [], now: T1 }), previous);
    expect(cs(status, 'app')?.lastState?.terminated).toMatchObject({ reason: 'ContainerStatusUnknown', exitCode: 137 });
    expect(cs(status, 'app')?.restartCount).toBe(1);
    expect(status.phase).toBe('Running');
  });

  it('takes restart counts known beyond the attempts the runtime kept', () => {
    const status = computePodStatus(pod(), view({ containers: [ctr('app', 3, 'running')], restartCounts: new Map([['app', 7]]) }));
    expect(cs(status, 'app')?.restartCount).toBe(7);
  });

  it('caps termination messages to upstream budget', () => {
    const status = computePodStatus(pod({ restartPolicy: 'Never' }), view({ containers: [ctr('app', 0, 'exited', { exitCode: 1, message: 'x'.repeat(20_000) })] }));
    expect(cs(status, 'app')?.state?.terminated?.message).toHaveLength(12 * 1024);
  });
});

describe('computePodStatus: the phase table', () => {
  const cases: [string, string, ContainerStatus[], string][] = [
    ['Always, all exited 0', 'Always', [ctr('app', 0, 'exited', { exitCode: 0 })], 'Running'],
    ['Always, running', 'Always', [ctr('app', 0, 'running')], 'Running'],
    ['OnFailure, exited 0', 'OnFailure', [ctr('app', 0, 'exited', { exitCode: 0 })], 'Succeeded'],
    ['OnFailure, exited 1', 'OnFailure', [ctr('app', 0, 'exited', { exitCode: 1 })], 'Running'],
    ['Never, exited 0', 'Never', [ctr('app', 0, 'exited', { exitCode: 0 })], 'Succeeded'],
    ['Never, exited 1', 'Never', [ctr('app', 0, 'exited', { exitCode: 1 })], 'Failed'],
    ['Never, nothing yet', 'Never', [], 'Pending'],
    ['Always, created', 'Always', [ctr('app', 0, 'created')], 'Pending'],
    ['Always, unknown', 'Always', [ctr('app', 0, 'unknown')], 'Pending'],
  ];
  for (const [name, policy, containers, phase] of cases) {
    it(name, () => {
      expect(computePodStatus(pod({ restartPolicy: policy }), view({ containers })).phase).toBe(phase);
    });
  }

  it('two containers: one running, one succeeded, is Running; both done with one failure under Never is Failed', () => {
    const two = [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }];
    const mixed = [ctr('a', 0, 'running'), ctr('b', 0, 'exited', { exitCode: 0 })];
    expect(computePodStatus(pod({ containers: two, restartPolicy: 'Never' }), view({ containers: mixed })).phase).toBe('Running');
    const done = [ctr('a', 0, 'exited', { exitCode: 1 }), ctr('b', 0, 'exited', { exitCode: 0 })];
    expect(computePodStatus(pod({ containers: two, restartPolicy: 'Never' }), view({ containers: done })).phase).toBe('Failed');
    // One container not started yet: Pending.
    expect(computePodStatus(pod({ containers: two }), view({ containers: [ctr('a', 0, 'running')] })).phase).toBe('Pending');
  });

  it('a terminal pod is Succeeded or Failed by exit codes whatever the policy', () => {
    const containers = [ctr('app', 0, 'exited', { exitCode: 0 })];
    expect(computePodStatus(pod(), view({ containers, terminal: true })).phase).toBe('Succeeded');
    expect(computePodStatus(pod(), view({ containers: [ctr('app', 0, 'exited', { exitCode: 3 })], terminal: true })).phase).toBe('Failed');
  });

  it('never leaves a terminal phase', () => {
    const p = pod({ status: { phase: 'Succeeded', qosClass: 'BestEffort', reason: 'Done' } });
    const status = computePodStatus(p, view({ containers: [ctr('app', 0, 'running')] }));
    expect(status.phase).toBe('Succeeded');
    expect(status.reason).toBe('Done');
  });

  it('fails the pod when the superlet evicts it, with its reason', () => {
    const status = computePodStatus(pod(), view({
      containers: [ctr('app', 0, 'running')], evict: { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' },
    }));
    expect(status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it('a completed pod: Ready and ContainersReady False with PodCompleted, Initialized True PodCompleted', () => {
    const status = computePodStatus(pod({ restartPolicy: 'Never' }), view({ containers: [ctr('app', 0, 'exited', { exitCode: 0 })] }));
    expect(status.phase).toBe('Succeeded');
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(condition(status, 'Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
  });
});

describe('computePodStatus: init containers', () => {
  const initContainers = [{ name: 'init1', image: 'busybox' }, { name: 'init2', image: 'busybox' }];

  it('is Pending while they run, regular containers wait with PodInitializing', () => {
    const status = computePodStatus(pod({ initContainers }), view({ containers: [ctr('init1', 0, 'running')] }));
    expect(status.phase).toBe('Pending');
    expect(status.initContainerStatuses?.map((s) => s.name)).toEqual(['init1', 'init2']);
    expect(cs(status, 'init1')).toMatchObject({ ready: false, started: true });
    expect(cs(status, 'init2')?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(cs(status, 'app')?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(condition(status, 'Initialized')).toMatchObject({
      status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init1 init2]',
    });
  });

  it('is Running once they completed and the app runs', () => {
    const containers = [ctr('init1', 0, 'exited'), ctr('init2', 0, 'exited'), ctr('app', 0, 'running')];
    const status = computePodStatus(pod({ initContainers }), view({ containers }));
    expect(status.phase).toBe('Running');
    expect(cs(status, 'init1')).toMatchObject({ ready: true, started: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } });
    expect(condition(status, 'Initialized')?.status).toBe('True');
    expect(condition(status, 'Ready')?.status).toBe('True');
  });

  it('a failed init container fails a Never pod', () => {
    const status = computePodStatus(pod({ initContainers, restartPolicy: 'Never' }), view({ containers: [ctr('init1', 0, 'exited', { exitCode: 1 })] }));
    expect(status.phase).toBe('Failed');
  });

  it('a failing init container of an Always pod crash-loops while the pod stays Pending', () => {
    const waiting = new Map([['init1', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=init1 pod=web_default(uid-1)' }]]);
    const status = computePodStatus(pod({ initContainers }), view({ containers: [ctr('init1', 0, 'exited', { exitCode: 1 })], waiting }));
    expect(status.phase).toBe('Pending');
    expect(cs(status, 'init1')?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(cs(status, 'init1')?.lastState?.terminated?.exitCode).toBe(1);
    expect(status.initContainerStatuses).toHaveLength(2);
  });

  it('a sidecar counts as initialized once started and keeps the pod Running while it restarts', () => {
    const sidecars = [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }];
    const running = computePodStatus(pod({ initContainers: sidecars }), view({ containers: [ctr('proxy', 0, 'running'), ctr('app', 0, 'running')] }));
    expect(running.phase).toBe('Running');
    expect(cs(running, 'proxy')).toMatchObject({ started: true, ready: true });
    expect(condition(running, 'Initialized')?.status).toBe('True');
    const restarting = computePodStatus(
      pod({ initContainers: sidecars }),
      view({ containers: [ctr('proxy', 0, 'exited', { exitCode: 1 }), ctr('app', 0, 'running')], waiting: new Map([['proxy', { reason: 'CrashLoopBackOff' }]]) }),
    );
    expect(restarting.phase).toBe('Running');
    expect(condition(restarting, 'Initialized')?.status).toBe('True');
    expect(condition(restarting, 'ContainersReady')?.message).toBe('containers with unready status: [proxy]');
  });
});

describe('computePodStatus: what it keeps', () => {
  it('keeps lastTransitionTime and startTime while nothing changes, and moves them on a transition', () => {
    const p = pod({ status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T09:00:00Z' }] } });
    const first = computePodStatus(p, view({ containers: [] }));
    expect(condition(first, 'PodScheduled')?.lastTransitionTime).toBe('2024-05-01T09:00:00Z');
    expect(condition(first, 'Ready')?.lastTransitionTime).toBe(T0S);
    const app = ctr('app', 0, 'running');
    const second = computePodStatus(p, view({ containers: [app], now: T1 }), first);
    expect(second.startTime).toBe(T0S);
    expect(condition(second, 'Ready')).toEqual({ type: 'Ready', status: 'True', lastTransitionTime: T1S });
    expect(condition(second, 'PodScheduled')?.lastTransitionTime).toBe('2024-05-01T09:00:00Z');
    const third = computePodStatus(p, view({ containers: [app], ready: new Map([['app', true]]), now: new Date('2024-05-01T11:00:00Z') }), second);
    expect(podStatusEqual(second, third)).toBe(true);
    expect(condition(third, 'Ready')?.lastTransitionTime).toBe(T1S);
  });

  it('uses the API status as the basis when there is no previous one', () => {
    const p = pod({ status: { phase: 'Running', qosClass: 'BestEffort', startTime: '2024-04-01T00:00:00Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-04-01T00:00:10Z' }] } });
    const status = computePodStatus(p, view({ containers: [ctr('app', 0, 'running')] }));
    expect(status.startTime).toBe('2024-04-01T00:00:00Z');
    expect(condition(status, 'Ready')?.lastTransitionTime).toBe('2024-04-01T00:00:10Z');
  });

  it('carries a DisruptionTarget condition over from the previous status', () => {
    const previous: PodStatus = { phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet' }] };
    const status = computePodStatus(pod(), view({ containers: [ctr('app', 0, 'running')] }), previous);
    expect(condition(status, 'DisruptionTarget')?.reason).toBe('TerminationByKubelet');
  });

  it('is deterministic: the same input gives an equal status', () => {
    const v = view({ containers: [ctr('app', 0, 'running')] });
    expect(podStatusEqual(computePodStatus(pod(), v), computePodStatus(pod(), v))).toBe(true);
  });

  it('does not modify its inputs', () => {
    const p = pod();
    const previous = computePodStatus(p, view({ containers: [ctr('app', 0, 'running')] }));
    const before = JSON.stringify({ p, previous });
    computePodStatus(p, view({ containers: [], waiting: new Map([['app', { reason: 'CrashLoopBackOff' }]]) }), previous);
    expect(JSON.stringify({ p, previous })).toBe(before);
  });
});

describe('QoS class', () => {
  const withResources = (resources: Container['resources'], init?: Container['resources']): Pod =>
    pod({
      containers: [{ name: 'app', image: 'x', resources }],
      ...(init === undefined ? {} : { initContainers: [{ name: 'init', image: 'x', resources: init }] }),
    });

  it('BestEffort without requests or limits (zero counts as none)', () => {
    expect(computeQosClass(withResources({}))).toBe('BestEffort');
    expect(computeQosClass(withResources({ requests: { cpu: '0' } }))).toBe('BestEffort');
  });
  it('Guaranteed when cpu and memory limits equal requests, or only limits are given', () => {
    expect(computeQosClass(withResources({ requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '0.5', memory: '67108864' } }))).toBe('Guaranteed');
    expect(computeQosClass(withResources({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
  });
  it('Burstable otherwise, init containers included', () => {
    expect(computeQosClass(withResources({ requests: { cpu: '100m' } }))).toBe('Burstable');
    expect(computeQosClass(withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }))).toBe('Burstable');
    expect(computeQosClass(withResources({ limits: { cpu: '1' } }))).toBe('Burstable');
    expect(computeQosClass(withResources({ limits: { cpu: '1', memory: '1Gi' } }, { requests: { memory: '1Mi' } }))).toBe('Burstable');
  });
  it('the class recorded at creation wins', () => {
    const p = withResources({ limits: { cpu: '1', memory: '1Gi' } });
    expect(computePodStatus({ ...p, status: { qosClass: 'Burstable' } }, view()).qosClass).toBe('Burstable');
    expect(computePodStatus({ ...p, status: {} }, view()).qosClass).toBe('Guaranteed');
  });
});

describe('podStatusEqual', () => {
  const base = (): PodStatus => computePodStatus(pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }), view({ containers: [ctr('a', 0, 'running'), ctr('b', 0, 'running')] }));

  it('ignores the order of conditions and container statuses', () => {
    const a = base();
    const b = structuredClone(a);
    b.conditions?.reverse();
    b.containerStatuses?.reverse();
    expect(podStatusEqual(a, b)).toBe(true);
  });

  it('treats absent and empty alike', () => {
    const a = base();
    const b = structuredClone(a);
    b.message = '';
    b.ephemeralContainerStatuses = [];
    if (b.containerStatuses?.[0] !== undefined) b.containerStatuses[0].lastState = {};
    expect(podStatusEqual(a, b)).toBe(true);
  });

  it('sees every real change', () => {
    const changes: ((s: PodStatus) => void)[] = [
      (s) => { s.phase = 'Failed'; },
      (s) => { s.containerStatuses![0]!.ready = false; },
      (s) => { s.containerStatuses![1]!.restartCount = 3; },
      (s) => { s.conditions![0]!.lastTransitionTime = T1S; },
      (s) => { s.conditions![2]!.message = 'x'; },
      (s) => { s.podIP = '172.17.0.9'; },
      (s) => { s.podIPs = [{ ip: '172.17.0.5' }, { ip: 'fd00::5' }]; },
      (s) => { s.containerStatuses![0]!.state = { waiting: { reason: 'CrashLoopBackOff' } }; },
    ];
    for (const change of changes) {
      const b = base();
      change(b);
      expect(podStatusEqual(base(), b), change.toString()).toBe(false);
    }
  });
});

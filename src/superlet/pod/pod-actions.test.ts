import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, SandboxStatus } from '../runtime/runtime.js';
import { computePodActions, type PodActionInputs } from './pod-actions.js';

const ref = { uid: 'u1', name: 'p', namespace: 'default', nodeName: 'n1' };
const sandbox = (id: string, state: 'ready' | 'notready' = 'ready', created = 1): SandboxStatus =>
  ({ id, pod: ref, state, ip: '172.17.0.9', createdAt: new Date(created), annotations: {} });
const container = (name: string, attempt: number, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  id: `${name}-${attempt}`, pod: ref, sandboxId: 's1', name, attempt, state, createdAt: new Date(attempt + 1),
  image: 'img', imageRef: 'sha256:1', annotations: { hash: 'h' }, ...extra,
});

function pod(spec: Partial<NonNullable<Pod['spec']>>): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'img' }], ...spec } };
}

function actions(p: Pod, sandboxes: SandboxStatus[], containers: ContainerStatus[], livenessFailed: string[] = []) {
  const inputs: PodActionInputs = { pod: p, sandboxes, containers, specHash: () => 'h', hashAnnotation: 'hash', livenessFailed: new Map(livenessFailed.map((id) => [id, `Container app failed liveness probe, will be restarted`])) };
  return computePodActions(inputs);
}

describe('computePodActions', () => {
  it('creates a sandbox for a new pod', () => {
    const a = actions(pod({}), [], []);
    expect(a.createSandbox).toBe(true);
    expect(a.starts).toEqual([]);
  });

  it('starts every app container once the sandbox is ready', () => {
    const a = actions(pod({ containers: [{ name: 'a' }, { name: 'b' }] }), [sandbox('s1')], []);
    expect(a.starts.map((s) => [s.container.name, s.attempt])).toEqual([['a', 0], ['b', 0]]);
  });

  it('runs init containers one at a time, in order, before the app containers', () => {
    const p = pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] });
    expect(actions(p, [sandbox('s1')], []).starts.map((s) => s.container.name)).toEqual(['i1']);
    expect(actions(p, [sandbox('s1')], [container('i1', 0, 'running')]).starts).toEqual([]);
    expect(actions(p, [sandbox('s1')], [container('i1', 0, 'exited', { exitCode: 0 })]).starts.map((s) => s.container.name)).toEqual(['i2']);
    const done = [container('i1', 0, 'exited', { exitCode: 0 }), container('i2', 0, 'exited', { exitCode: 0 })];
    expect(actions(p, [sandbox('s1')], done).starts.map((s) => s.container.name)).toEqual(['app']);
  });

  it('retries a failed init container unless restartPolicy is Never, which fails the pod', () => {
    const failed = [container('i1', 2, 'exited', { exitCode: 1 })];
    const retried = actions(pod({ initContainers: [{ name: 'i1' }] }), [sandbox('s1')], failed);
    expect(retried.starts.map((s) => [s.container.name, s.attempt, s.previous?.id])).toEqual([['i1', 3, 'i1-2']]);
    const never = actions(pod({ initContainers: [{ name: 'i1' }], restartPolicy: 'Never' }), [sandbox('s1')], failed);
    expect(never.initFailed).toBe(true);
    expect(never.starts).toEqual([]);
  });

  it('restarts exited containers by restartPolicy', () => {
    const ok = [container('app', 0, 'exited', { exitCode: 0 })];
    const bad = [container('app', 0, 'exited', { exitCode: 1 })];
    expect(actions(pod({}), [sandbox('s1')], ok).starts.map((s) => s.attempt)).toEqual([1]);
    expect(actions(pod({ restartPolicy: 'OnFailure' }), [sandbox('s1')], ok).starts).toEqual([]);
    expect(actions(pod({ restartPolicy: 'OnFailure' }), [sandbox('s1')], bad).starts.map((s) => s.attempt)).toEqual([1]);
    expect(actions(pod({ restartPolicy: 'Never' }), [sandbox('s1')], bad).starts).toEqual([]);
  });

  it('leaves a running container with the current spec alone', () => {
    const a = actions(pod({}), [sandbox('s1')], [container('app', 4, 'running')]);
    expect(a.starts).toEqual([]);
    expect(a.kills).toEqual([]);
  });

  it('replaces a running container whose spec changed, and one whose liveness probe failed', () => {
    const changed = actions(pod({}), [sandbox('s1')], [container('app', 0, 'running', { annotations: { hash: 'old' } })]);
    expect(changed.kills.map((k) => k.message)).toEqual(['Container app definition changed, will be restarted']);
    expect(changed.starts.map((s) => s.attempt)).toEqual([1]);
    const dead = actions(pod({}), [sandbox('s1')], [container('app', 0, 'running')], ['app-0']);
    expect(dead.kills.map((k) => k.message)).toEqual(['Container app failed liveness probe, will be restarted']);
    expect(dead.starts.map((s) => s.attempt)).toEqual([1]);
  });

  it('kills what runs when the sandbox died, and makes a new one', () => {
    const a = actions(pod({}), [sandbox('s1', 'notready')], [container('app', 0, 'running')]);
    expect(a.createSandbox).toBe(true);
    expect(a.kills).toHaveLength(1);
    expect(a.staleSandboxes.map((s) => s.id)).toEqual(['s1']);
  });

  it('does not bring back the sandbox of a pod that has finished for good', () => {
    const a = actions(pod({ restartPolicy: 'Never' }), [sandbox('s1', 'notready')], [container('app', 0, 'exited', { exitCode: 0 })]);
    expect(a.createSandbox).toBe(false);
  });

  it('uses the newest ready sandbox and marks older ones stale', () => {
    const a = actions(pod({}), [sandbox('old', 'ready', 1), sandbox('new', 'ready', 5)], []);
    expect(a.sandbox?.id).toBe('new');
    expect(a.staleSandboxes.map((s) => s.id)).toEqual(['old']);
  });
});

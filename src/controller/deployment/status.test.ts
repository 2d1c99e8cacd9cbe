// Status and conditions against upstream's tables (util TestDeploymentComplete, TestDeploymentProgressing,
// TestDeploymentTimedOut, TestSetCondition) and the messages `kubectl rollout status` and describe show.
import type { Deployment, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { newDeployment, rs } from './test-builders.js';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  newCondition,
  removeCondition,
  rolloutStatus,
  setCondition,
  stuckRequeueAfterMs,
  timestamp,
} from './status.js';

const at = (min: number, sec: number): Date => new Date(Date.UTC(2016, 0, 1, 0, min, sec));

describe('deploymentComplete (TestDeploymentComplete)', () => {
  it.each([
    ['not complete: min but not all pods become available', 5, 5, 5, 4, 1, 0, false],
    ['not complete: min availability is not honored', 5, 5, 5, 3, 1, 0, false],
    ['complete', 5, 5, 5, 5, 0, 0, true],
    ['not complete: all pods are available but not updated', 5, 5, 4, 5, 0, 0, false],
    ['not complete: still running old pods', 1, 2, 1, 1, 0, 1, false],
    ['not complete: one replica deployment never comes up', 1, 1, 1, 0, 1, 1, false],
  ] as const)('%s', (_n, desired, current, updated, available, unavailable, surge, expected) => {
    const base = newDeployment('foo', desired, { maxSurge: surge, maxUnavailable: unavailable });
    const d = { ...base, metadata: { ...base.metadata, generation: 0 } };
    const status: DeploymentStatus = { replicas: current, updatedReplicas: updated, availableReplicas: available };
    expect(deploymentComplete(d, status)).toBe(expected);
  });

  it('is not complete before the latest generation is observed', () => {
    const base = newDeployment('foo', 1);
    const d = { ...base, metadata: { ...base.metadata, generation: 2 } };
    expect(deploymentComplete(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 1 })).toBe(false);
    expect(deploymentComplete(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 2 })).toBe(true);
  });
});

describe('deploymentProgressing (TestDeploymentProgressing)', () => {
  const status = (replicas: number, updatedReplicas: number, readyReplicas: number, availableReplicas: number): DeploymentStatus => ({
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
  });
  it.each([
    ['progressing: updated pods', status(10, 4, 4, 4), status(10, 6, 4, 4), true],
    ['not progressing', status(10, 4, 4, 4), status(10, 4, 4, 4), false],
    ['progressing: old pods removed', status(10, 4, 6, 6), status(8, 4, 6, 6), true],
    ['not progressing: less new pods', status(10, 7, 3, 3), status(10, 6, 3, 3), false],
    ['progressing: less overall but more new pods', status(10, 4, 7, 7), status(8, 8, 5, 5), true],
    ['progressing: more ready pods', status(10, 10, 9, 8), status(10, 10, 10, 8), true],
    ['progressing: more available pods', status(10, 10, 10, 9), status(10, 10, 10, 10), true],
  ])('%s', (_n, old, next, expected) => {
    const d: Deployment = { ...newDeployment('foo', 10), status: old };
    expect(deploymentProgressing(d, next)).toBe(expected);
  });
});

describe('deploymentTimedOut (TestDeploymentTimedOut)', () => {
  const withCondition = (reason: string, deadline: number | undefined, from: Date): Deployment => {
    const d = newDeployment('foo', 1);
    if (deadline !== undefined) d.spec!.progressDeadlineSeconds = deadline;
    d.status = { conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: timestamp(from) }] };
    return d;
  };
  it.each([
    ['no progressDeadlineSeconds specified - no timeout', withCondition('', undefined, at(1, 9)), at(1, 20), false],
    ['progressDeadlineSeconds: 10s, 00:01:20 - 00:01:09 => 11s', withCondition('', 10, at(1, 9)), at(1, 20), true],
    ['progressDeadlineSeconds: 10s, 00:01:20 - 00:01:11 => 9s', withCondition('', 10, at(1, 11)), at(1, 20), false],
    ['previous status was a complete deployment', withCondition('NewReplicaSetAvailable', 10, at(0, 0)), at(1, 20), false],
    ['already timed out stays timed out', withCondition('ProgressDeadlineExceeded', 10, at(1, 19)), at(1, 20), true],
  ])('%s', (_n, d, now, expected) => {
    expect(deploymentTimedOut(d, d.status!, now)).toBe(expected);
  });
});

describe('conditions (TestSetCondition, TestRemoveCondition)', () => {
  it('sets, overwrites by type, and keeps the transition time when only the reason changes', () => {
    const status: DeploymentStatus = {};
    setCondition(status, newCondition('Progressing', 'False', 'ForSomeReason', 'x', at(0, 1)));
    setCondition(status, newCondition('Available', 'True', 'AwesomeController', 'y', at(0, 2)));
    expect(status.conditions?.map((c) => c.type)).toEqual(['Progressing', 'Available']);
    setCondition(status, newCondition('Progressing', 'True', 'BecauseItIs', 'z', at(0, 3)));
    expect(status.conditions?.map((c) => c.type)).toEqual(['Available', 'Progressing']);
    setCondition(status, newCondition('Progressing', 'True', 'Other', 'w', at(0, 4)));
    const progressing = getCondition(status, 'Progressing');
    expect(progressing?.reason).toBe('Other');
    expect(progressing?.lastTransitionTime).toBe(timestamp(at(0, 3)));
    expect(progressing?.lastUpdateTime).toBe(timestamp(at(0, 4)));
    // Same status and reason: no change at all, not even the message.
    setCondition(status, newCondition('Progressing', 'True', 'Other', 'new message', at(0, 5)));
    expect(getCondition(status, 'Progressing')?.message).toBe('w');
    removeCondition(status, 'Progressing');
    removeCondition(status, 'ReplicaFailure');
    expect(status.conditions?.map((c) => c.type)).toEqual(['Available']);
  });
});

describe('calculateStatus and rolloutStatus', () => {
  const now = at(5, 0);

  it('counts from the ReplicaSets and sets Available with upstream messages', () => {
    const d = newDeployment('web', 3, { maxSurge: 1, maxUnavailable: 0 });
    const newRS = { ...rs('web-new', 2, 1, 1), status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 } };
    const oldRS = { ...rs('web-old', 2, 0, 2), status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } };
    const status = calculateStatus([oldRS, newRS], newRS, d, now);
    expect(status).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    expect(getCondition(status, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const short = calculateStatus([newRS], newRS, d, now);
    expect(getCondition(short, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  it('leaves zero counts out, as Go does, so a status read back compares equal', () => {
    const d = newDeployment('web', 0);
    const status = calculateStatus([], undefined, d, now);
    expect(status).not.toHaveProperty('replicas');
    expect(status).not.toHaveProperty('unavailableReplicas');
  });

  it('Progressing: progressing, then successfully progressed, with the new ReplicaSet named', () => {
    const d = newDeployment('web', 2, { maxSurge: 1 });
    d.spec!.progressDeadlineSeconds = 600;
    d.status = { replicas: 2, updatedReplicas: 1, conditions: [newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'Created new replica set "web-abc"', at(0, 0))] };
    const newRS = { ...rs('web-abc', 2, 1), status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 } };
    const progressing = rolloutStatus([newRS], newRS, d, now);
    expect(getCondition(progressing, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-abc" is progressing.',
      lastUpdateTime: timestamp(now),
      lastTransitionTime: timestamp(at(0, 0)),
    });
    const done = { ...newRS, status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } };
    const complete = rolloutStatus([done], done, { ...d, status: progressing }, at(6, 0));
    expect(getCondition(complete, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' });
  });

  it('Progressing: times out after progressDeadlineSeconds without progress, and asks to be looked at in time', () => {
    const d = newDeployment('web', 1, { maxSurge: 1 });
    d.spec!.progressDeadlineSeconds = 10;
    const newRS = { ...rs('web-abc', 1, 1), status: { replicas: 1 } };
    d.status = { replicas: 1, updatedReplicas: 1, observedGeneration: 1, conditions: [newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'Created new replica set "web-abc"', at(1, 0))] };
    const early = rolloutStatus([newRS], newRS, d, at(1, 5));
    expect(getCondition(early, 'Progressing')?.reason).toBe('NewReplicaSetCreated');
    expect(stuckRequeueAfterMs(d, early, at(1, 5))).toBe(6000);
    const late = rolloutStatus([newRS], newRS, d, at(1, 11));
    expect(getCondition(late, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' });
    expect(stuckRequeueAfterMs({ ...d, status: late }, late, at(1, 12))).toBeUndefined();
  });

  it('a finished rollout is not re-estimated, and no deadline means no Progressing condition', () => {
    const d = newDeployment('web', 1);
    d.spec!.progressDeadlineSeconds = 10;
    const newRS = { ...rs('web-abc', 1, 1), status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } };
    d.status = { replicas: 1, updatedReplicas: 1, conditions: [newCondition('Progressing', 'True', 'NewReplicaSetAvailable', 'done', at(0, 0))] };
    expect(getCondition(rolloutStatus([newRS], newRS, d, at(9, 0)), 'Progressing')?.lastUpdateTime).toBe(timestamp(at(0, 0)));
    delete d.spec!.progressDeadlineSeconds;
    expect(getCondition(rolloutStatus([newRS], newRS, d, at(9, 0)), 'Progressing')).toBeUndefined();
  });

  it('copies a ReplicaSet failure, the new one first', () => {
    const d = newDeployment('web', 1);
    const failure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: timestamp(at(0, 1)) };
    const newRS = { ...rs('web-new', 1, 1), status: { replicas: 0, conditions: [failure] } };
    const status = rolloutStatus([newRS], newRS, d, now);
    expect(getCondition(status, 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate', message: 'quota', lastUpdateTime: timestamp(at(0, 1)) });
  });
});

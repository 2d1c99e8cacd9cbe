// The rollout arithmetic against upstream's table tests (pkg/controller/deployment rolling_test.go,
// sync_test.go TestScale, util TestNewRSNewReplicas / TestResolveFenceposts / TestMaxUnavailable).
import { describe, expect, it } from 'vitest';
import { setReplicasAnnotations } from './annotations.js';
import { maxSurge, maxUnavailable, resolveFenceposts, type IntOrString } from './fenceposts.js';
import type { RS } from './replica-sets.js';
import {
  cleanupUnhealthyReplicas,
  getProportion,
  isScalingEvent,
  newRSNewReplicas,
  planScale,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldReplicaSetsForRollingUpdate,
  type ScaleStep,
} from './scaling-plan.js';
import { newDeployment, rs } from './test-builders.js';

/** The size of each ReplicaSet after the steps, by name. */
function sizesAfter(rss: readonly RS[], steps: readonly ScaleStep[]): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const r of rss) sizes[r.metadata?.name ?? ''] = r.spec?.replicas ?? 0;
  for (const step of steps) sizes[step.rs.metadata?.name ?? ''] = step.replicas;
  return sizes;
}

describe('resolveFenceposts', () => {
  it.each([
    ['0%', '0%', 0, 0, 1],
    ['39%', '39%', 10, 4, 3],
    [undefined, '39%', 10, 0, 3],
    ['39%', undefined, 10, 4, 0],
    [undefined, undefined, 10, 0, 1],
    ['25%', '25%', 5, 2, 1],
    [2, 0, 10, 2, 0],
  ] as [IntOrString | undefined, IntOrString | undefined, number, number, number][])('surge %s, unavailable %s of %d: %d and %d', (surge, unavailable, desired, s, u) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: s, unavailable: u });
  });

  it.each([
    ['oops', '39%'],
    ['55%', 'urg'],
    ['0', '0'],
    ['1.5%', '0'],
  ])('refuses %s / %s', (surge, unavailable) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow();
  });
});

describe('maxUnavailable (TestMaxUnavailable)', () => {
  it.each([
    [10, 5, 5],
    [10, 10, 10],
    [5, 10, 5],
    [0, 10, 0],
    [10, '50%', 5],
    [10, '100%', 10],
    [5, '100%', 5],
  ] as [number, IntOrString, number][])('%d replicas, maxUnavailable %s: %d', (replicas, unavailable, expected) => {
    expect(maxUnavailable(newDeployment('foo', replicas, { maxSurge: 1, maxUnavailable: unavailable }))).toBe(expected);
  });

  it('is 0 (and surge too) for Recreate', () => {
    const d = newDeployment('foo', 10, { strategy: 'Recreate' });
    expect(maxUnavailable(d)).toBe(0);
    expect(maxSurge(d)).toBe(0);
  });
});

describe('newRSNewReplicas (TestNewRSNewReplicas)', () => {
  it.each([
    ['can not scale up - to newRSReplicas', 'RollingUpdate', 1, 5, 1, 5],
    ['scale up - to depReplicas', 'RollingUpdate', 6, 2, 10, 6],
    ['recreate - to depReplicas', 'Recreate', 3, 1, 1, 3],
  ] as [string, 'RollingUpdate' | 'Recreate', number, number, number, number][])('%s', (_name, strategy, replicas, newReplicas, surge, expected) => {
    const d = newDeployment('nginx', replicas, { maxSurge: surge, maxUnavailable: 1 });
    d.spec!.strategy = { type: strategy, rollingUpdate: { maxSurge: surge, maxUnavailable: 1 } };
    const newRS = rs('new', newReplicas);
    expect(newRSNewReplicas(d, [rs('rs5', 5)], newRS)).toBe(expected);
  });
});

describe('reconcileNewReplicaSet (TestDeploymentController_reconcileNewReplicaSet)', () => {
  it.each([
    [10, 0, 10, 0, undefined],
    [10, 2, 10, 0, 2],
    [10, 2, 5, 0, 7],
    [10, 2, 10, 2, undefined],
    [10, 2, 2, 11, 10],
  ] as [number, number, number, number, number | undefined][])('%d replicas, surge %d, old %d, new %d: %s', (replicas, surge, oldReplicas, newReplicas, expected) => {
    const newRS = rs('foo-v2', newReplicas);
    const oldRS = rs('foo-v1', oldReplicas);
    const d = newDeployment('foo', replicas, { maxSurge: surge, maxUnavailable: 0 });
    expect(reconcileNewReplicaSet([newRS, oldRS], newRS, d)).toBe(expected);
  });
});

describe('reconcileOldReplicaSets (TestDeploymentController_reconcileOldReplicaSets)', () => {
  it.each([
    [10, 0, 10, 0, 10, 0, 9],
    [10, 2, 10, 0, 10, 0, 8],
    // unhealthy replicas of the old ReplicaSet are cleaned up
    [10, 2, 10, 0, 8, 0, 8],
    // one unhealthy cleaned up and one ready scaled down
    [10, 2, 10, 0, 9, 0, 8],
    // the new ReplicaSet's unavailable pods keep the old ones from going further down
    [10, 2, 8, 2, 8, 0, 8],
  ])('%d replicas, maxUnavailable %d, old %d, new %d, ready old %d, ready new %d: old becomes %d', (replicas, unavailable, oldReplicas, newReplicas, readyOld, readyNew, expected) => {
    const newRS = rs('foo-new', newReplicas, 1, readyNew);
    const oldRS = rs('foo-old', oldReplicas, 0, readyOld);
    const d = newDeployment('foo', replicas, { maxSurge: 0, maxUnavailable: unavailable });
    const steps = reconcileOldReplicaSets([oldRS, newRS], [oldRS], newRS, d);
    expect(sizesAfter([oldRS, newRS], steps)['foo-old']).toBe(expected);
    expect(steps.every((s) => s.rs.metadata?.name === 'foo-old')).toBe(true);
  });
});

describe('cleanupUnhealthyReplicas (TestDeploymentController_cleanupUnhealthyReplicas)', () => {
  it.each([
    [10, 8, 1, 1],
    [10, 8, 3, 2],
    [10, 8, 0, 0],
    [10, 10, 3, 0],
  ])('old %d with %d ready, at most %d: %d cleaned', (oldReplicas, ready, maxCleanup, expected) => {
    const oldRS = rs('foo-v2', oldReplicas, 0, ready);
    const result = cleanupUnhealthyReplicas([oldRS], maxCleanup);
    expect(result.count).toBe(expected);
    expect(result.oldRSs[0]?.spec?.replicas).toBe(oldReplicas - expected);
  });

  it('does not count available pods beyond spec (a status read just after a scale-down) as healthy surplus', () => {
    const oldRS = rs('foo-v2', 4, 0, 5);
    expect(cleanupUnhealthyReplicas([oldRS], 3).count).toBe(0);
  });
});

describe('scaleDownOldReplicaSetsForRollingUpdate (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate)', () => {
  it.each([
    [10, 0, 10, 10, 9],
    [10, 2, 10, 10, 8],
    [10, 2, 8, 10, undefined],
    [10, 2, 10, 0, undefined],
    [10, 2, 1, 10, undefined],
  ] as [number, number, number, number, number | undefined][])('%d replicas, maxUnavailable %d, %d ready, old %d: %s', (replicas, unavailable, ready, oldReplicas, expected) => {
    const oldRS = rs('foo-v2', oldReplicas, 0, ready);
    const d = newDeployment('foo', replicas, { maxSurge: 0, maxUnavailable: unavailable });
    const { steps } = scaleDownOldReplicaSetsForRollingUpdate([oldRS], [oldRS], d);
    if (expected === undefined) expect(steps).toEqual([]);
    else expect(steps.map((s) => s.replicas)).toEqual([expected]);
  });

  it('counts at most spec.replicas available per ReplicaSet, so a status read just after a scale-down cannot scale down twice', () => {
    // Scaled 6 -> 4 a moment ago; its status still says 6 available. Upstream would scale down 2 more.
    const old = rs('foo-v1', 4, 0, 6);
    const newRS = rs('foo-v2', 2, 1, 0);
    const d = newDeployment('foo', 6, { maxSurge: 2, maxUnavailable: 2 });
    expect(scaleDownOldReplicaSetsForRollingUpdate([old, newRS], [old], d).steps).toEqual([]);
  });

  it('scales the oldest down first', () => {
    const older = rs('foo-v1', 3, 0, 3);
    const old = rs('foo-v2', 3, 1, 3);
    const d = newDeployment('foo', 6, { maxSurge: 0, maxUnavailable: 4 });
    const { steps } = scaleDownOldReplicaSetsForRollingUpdate([old, older], [old, older], d);
    expect(steps.map((s) => [s.rs.metadata?.name, s.replicas])).toEqual([
      ['foo-v1', 0],
      ['foo-v2', 2],
    ]);
  });
});

describe('planScale: proportional scaling (TestScale)', () => {
  interface Case {
    name: string;
    replicas: number;
    oldReplicas: number;
    surge?: number;
    unavailable?: number;
    oldSurge?: number;
    newRS?: [string, number, number?];
    oldRSs: [string, number, number][];
    expected: Record<string, number>;
  }
  const cases: Case[] = [
    { name: 'normal scaling event: 10 -> 12', replicas: 12, oldReplicas: 10, newRS: ['foo-v1', 10], oldRSs: [], expected: { 'foo-v1': 12 } },
    { name: 'normal scaling event: 10 -> 5', replicas: 5, oldReplicas: 10, newRS: ['foo-v1', 10], oldRSs: [], expected: { 'foo-v1': 5 } },
    { name: 'proportional scaling: 5 -> 10', replicas: 10, oldReplicas: 5, newRS: ['foo-v2', 2], oldRSs: [['foo-v1', 3, -1]], expected: { 'foo-v2': 4, 'foo-v1': 6 } },
    { name: 'proportional scaling: 5 -> 3', replicas: 3, oldReplicas: 5, newRS: ['foo-v2', 2], oldRSs: [['foo-v1', 3, -1]], expected: { 'foo-v2': 1, 'foo-v1': 2 } },
    { name: 'proportional scaling: 9 -> 4', replicas: 4, oldReplicas: 9, newRS: ['foo-v2', 8], oldRSs: [['foo-v1', 1, -1]], expected: { 'foo-v2': 4, 'foo-v1': 0 } },
    {
      name: 'proportional scaling: 7 -> 10',
      replicas: 10,
      oldReplicas: 7,
      newRS: ['foo-v3', 2],
      oldRSs: [['foo-v2', 3, -1], ['foo-v1', 2, -2]],
      expected: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
    },
    {
      name: 'proportional scaling: 13 -> 8',
      replicas: 8,
      oldReplicas: 13,
      newRS: ['foo-v3', 2],
      oldRSs: [['foo-v2', 8, -1], ['foo-v1', 3, -2]],
      expected: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
    },
    {
      name: 'leftover distribution: 3 -> 4 (scales up the newest)',
      replicas: 4,
      oldReplicas: 3,
      newRS: ['foo-v3', 1],
      oldRSs: [['foo-v2', 1, -1], ['foo-v1', 1, -2]],
      expected: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 },
    },
    {
      name: 'leftover distribution: 3 -> 2 (scales down the oldest)',
      replicas: 2,
      oldReplicas: 3,
      newRS: ['foo-v3', 1],
      oldRSs: [['foo-v2', 1, -1], ['foo-v1', 1, -2]],
      expected: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling (no new rs): 4 -> 5',
      replicas: 5,
      oldReplicas: 4,
      oldRSs: [['foo-v2', 2, -1], ['foo-v1', 2, -2]],
      expected: { 'foo-v2': 3, 'foo-v1': 2 },
    },
    {
      name: 'proportional scaling: 6 -> 0',
      replicas: 0,
      oldReplicas: 6,
      newRS: ['foo-v3', 3],
      oldRSs: [['foo-v2', 2, -1], ['foo-v1', 1, -2]],
      expected: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling: 0 -> 6',
      replicas: 6,
      oldReplicas: 6,
      newRS: ['foo-v3', 0],
      oldRSs: [['foo-v2', 0, -1], ['foo-v1', 0, -2]],
      expected: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 },
    },
    { name: 'deployment with surge pods', replicas: 20, oldReplicas: 10, surge: 2, oldSurge: 2, newRS: ['foo-v2', 6], oldRSs: [['foo-v1', 6, -1]], expected: { 'foo-v2': 11, 'foo-v1': 11 } },
    { name: 'change both surge and size', replicas: 50, oldReplicas: 10, surge: 6, oldSurge: 3, newRS: ['foo-v2', 5], oldRSs: [['foo-v1', 8, -1]], expected: { 'foo-v2': 22, 'foo-v1': 34 } },
    {
      name: 'saturated but broken new replica set does not affect old pods',
      replicas: 2,
      oldReplicas: 2,
      surge: 1,
      unavailable: 1,
      oldSurge: 1,
      newRS: ['foo-v2', 2, 0],
      oldRSs: [['foo-v1', 1, -1]],
      expected: { 'foo-v2': 2, 'foo-v1': 1 },
    },
  ];

  it.each(cases)('$name', (c) => {
    const d = newDeployment('foo', c.replicas, { maxSurge: c.surge ?? 0, maxUnavailable: c.unavailable ?? 0 });
    const before = newDeployment('foo', c.oldReplicas, { maxSurge: c.oldSurge ?? 0, maxUnavailable: c.unavailable ?? 0 });
    const annotate = (r: ReturnType<typeof rs>): RS => {
      setReplicasAnnotations(r, c.oldReplicas, c.oldReplicas + maxSurge(before));
      return r;
    };
    const newRS = c.newRS === undefined ? undefined : annotate(rs(c.newRS[0], c.newRS[1], 0, c.newRS[2] ?? c.newRS[1]));
    const oldRSs = c.oldRSs.map(([name, replicas, hour]) => annotate(rs(name, replicas, hour, replicas)));
    const steps = planScale(d, newRS, oldRSs);
    expect(sizesAfter([...oldRSs, ...(newRS === undefined ? [] : [newRS])], steps)).toEqual(c.expected);
    expect(isScalingEvent(d, newRS, oldRSs)).toBe(c.replicas !== c.oldReplicas);
  });

  it('change both size and template: the old ReplicaSets share the new size', () => {
    const d = newDeployment('foo', 14);
    const before = newDeployment('foo', 10);
    const oldRSs = [rs('foo-v2', 7, 0, 7), rs('foo-v1', 3, -1, 3)];
    for (const r of oldRSs) setReplicasAnnotations(r, 10, 10 + maxSurge(before));
    expect(sizesAfter(oldRSs, planScale(d, undefined, oldRSs))).toEqual({ 'foo-v2': 10, 'foo-v1': 4 });
  });

  it('a saturated new ReplicaSet empties the old ones', () => {
    const d = newDeployment('foo', 3, { maxSurge: 1 });
    const newRS = rs('foo-v2', 3, 0, 3);
    setReplicasAnnotations(newRS, 3, 4);
    const old = rs('foo-v1', 1, -1, 1);
    expect(planScale(d, newRS, [old]).map((s) => [s.rs.metadata?.name, s.replicas])).toEqual([['foo-v1', 0]]);
  });

  it('getProportion never passes what is left to add or remove', () => {
    const d = newDeployment('foo', 20, { maxSurge: 2 });
    const r = rs('foo-v1', 6);
    setReplicasAnnotations(r, 10, 12);
    expect(getProportion(r, d, 10, 0)).toBe(5);
    expect(getProportion(r, d, 10, 8)).toBe(2);
    expect(getProportion(r, d, 10, 10)).toBe(0);
    expect(getProportion(rs('empty', 0), d, 10, 0)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test/scheduler/builders.js';
import { nodeChangeMayHelp, podChangeIsRelevant } from './changes.js';
import { podScheduledFalsePatch } from './pod-condition.js';

describe('node changes', () => {
  const base = makeNode('a');
  it('ignores heartbeats', () => {
    const beat = { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2030-01-01T00:00:00Z' }] } };
    expect(nodeChangeMayHelp(base, beat)).toBe(false);
  });

  it.each([
    ['allocatable', makeNode('a', { cpu: '8' })],
    ['labels', makeNode('a', { labels: { disk: 'ssd' } })],
    ['taints', makeNode('a', { taints: [{ key: 'k', effect: 'NoSchedule' }] })],
    ['readiness', makeNode('a', { ready: 'False' })],
  ])('counts a change of %s', (_what, changed) => {
    expect(nodeChangeMayHelp(base, changed)).toBe(true);
  });

  it('counts uncordoning but not cordoning', () => {
    expect(nodeChangeMayHelp(makeNode('a', { unschedulable: true }), base)).toBe(true);
    expect(nodeChangeMayHelp(base, makeNode('a', { unschedulable: true }))).toBe(false);
  });
});

describe('pod changes', () => {
  const pod = makePod('p', { cpu: '1' });
  it('ignores status and resourceVersion', () => {
    expect(podChangeIsRelevant(pod, { ...pod, metadata: { ...pod.metadata, resourceVersion: '9' }, status: { phase: 'Pending' } })).toBe(false);
  });
  it('counts spec and label changes', () => {
    expect(podChangeIsRelevant(pod, { ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } } })).toBe(true);
    expect(podChangeIsRelevant(pod, makePod('p', { cpu: '1', spec: { tolerations: [{ operator: 'Exists' }] } }))).toBe(true);
  });
});

describe('the PodScheduled condition', () => {
  const now = new Date('2024-05-01T10:00:00.123Z');
  it('is written when missing, and not again while it says the same', () => {
    const patch = podScheduledFalsePatch(makePod('p'), 'Unschedulable', 'no', now);
    expect(patch).toEqual({ status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no', lastTransitionTime: '2024-05-01T10:00:00Z' }] } });
    const written = { ...makePod('p'), status: patch?.status };
    expect(podScheduledFalsePatch(written, 'Unschedulable', 'no', now)).toBeUndefined();
  });

  it('keeps the transition time when only the message changes', () => {
    const written = { ...makePod('p'), status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'old', lastTransitionTime: '2020-01-01T00:00:00Z' }] } };
    expect(podScheduledFalsePatch(written, 'Unschedulable', 'new', now)?.status.conditions[0]?.lastTransitionTime).toBe('2020-01-01T00:00:00Z');
  });
});

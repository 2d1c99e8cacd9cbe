import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test/scheduler/builders.js';
import { SchedulerCache } from './cache.js';
import { newPodInfo } from './pod-info.js';

const cpuOn = (cache: SchedulerCache, node: string) => cache.nodeInfo(node)?.requested.get('cpu') ?? 0n;

describe('SchedulerCache', () => {
  it('counts an assumed pod at once and keeps it when the informer confirms it', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    const pod = makePod('p', { cpu: '1' });
    cache.assumePod(newPodInfo(pod), 'a');
    expect(cpuOn(cache, 'a')).toBe(1000n);
    expect(cache.isAssumed('uid-p')).toBe(true);
    cache.addPod({ ...pod, spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: 'a' } });
    expect(cache.isAssumed('uid-p')).toBe(false);
    expect(cpuOn(cache, 'a')).toBe(1000n);
    // A late forget (a bind that failed after all) must not drop a confirmed pod.
    cache.forgetPod('uid-p');
    expect(cpuOn(cache, 'a')).toBe(1000n);
  });

  it('forgets an assumption whose bind failed', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.assumePod(newPodInfo(makePod('p', { cpu: '1' })), 'a');
    cache.forgetPod('uid-p');
    expect(cpuOn(cache, 'a')).toBe(0n);
    expect(cache.hasPod('uid-p')).toBe(false);
  });

  it('expires an acknowledged bind the informer never reports', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.assumePod(newPodInfo(makePod('p', { cpu: '1' })), 'a');
    cache.finishBinding('uid-p', 1_000, 30_000);
    expect(cache.cleanupExpired(30_999)).toBe(0);
    expect(cache.cleanupExpired(31_000)).toBe(1);
    expect(cpuOn(cache, 'a')).toBe(0n);
  });

  it('moves a pod the informer reports on another node than assumed', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.addNode(makeNode('b'));
    cache.assumePod(newPodInfo(makePod('p', { cpu: '1' })), 'a');
    cache.addPod(makePod('p', { cpu: '1', nodeName: 'b' }));
    expect(cpuOn(cache, 'a')).toBe(0n);
    expect(cpuOn(cache, 'b')).toBe(1000n);
  });

  it('keeps pods of a deleted node until they go, and lists only existing nodes', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.addNode(makeNode('b'));
    cache.addPod(makePod('p', { cpu: '1', nodeName: 'a' }));
    cache.removeNode('a');
    expect(cache.nodeInfos().map((n) => n.name)).toEqual(['b']);
    cache.addNode(makeNode('a'));
    expect(cpuOn(cache, 'a')).toBe(1000n);
    cache.removePod(makePod('p'));
    cache.removeNode('a');
    expect(cache.nodeInfo('a')).toBeUndefined();
  });

  it('counts pods bound to a node it has not seen yet once the node appears', () => {
    const cache = new SchedulerCache();
    cache.addPod(makePod('p', { cpu: '1', nodeName: 'later' }));
    expect(cache.nodeInfos()).toEqual([]);
    cache.addNode(makeNode('later'));
    expect(cache.nodeInfos().map((n) => n.name)).toEqual(['later']);
    expect(cpuOn(cache, 'later')).toBe(1000n);
  });

  it('follows node updates (allocatable, taints)', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a', { cpu: '1' }));
    cache.updateNode(makeNode('a', { cpu: '8', taints: [{ key: 'k', effect: 'NoSchedule' }] }));
    expect(cache.nodeInfo('a')?.allocatable.get('cpu')).toBe(8000n);
    expect(cache.nodeInfo('a')?.taints).toEqual([{ key: 'k', effect: 'NoSchedule' }]);
  });
});

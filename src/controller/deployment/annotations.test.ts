// The pod-template-hash, the revision annotations, template equality and ownership decisions.
import { describe, expect, it } from 'vitest';
import { labelSelectorFromObject } from '../../api/label-selector.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  setDeploymentAnnotationsTo,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.js';
import { claimDecision } from './claim.js';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './hash.js';
import { equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, isSaturated, lastRevision, maxRevision } from './replica-sets.js';
import { oldPodsRunning } from './strategies.js';
import { newDeployment, rs } from './test-builders.js';

describe('pod-template-hash', () => {
  it('is FNV-32a (Go hash/fnv New32a values)', () => {
    expect(fnv32a(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv32a(Buffer.from('a'))).toBe(0xe40c292c);
    expect(fnv32a(Buffer.from('foobar'))).toBe(0xbf9cf968);
  });

  it('renders the decimal number in the safe alphabet', () => {
    // Digits land on 4-9 and b, c, d, f: upstream's names look like web-5d9c7b8c4f.
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(computeHash({ metadata: { labels: { a: 'b' } } })).toMatch(/^[456789bcdf]{1,10}$/);
  });

  it('is stable whatever the key order, and changes with the template and the collision count', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).not.toBe(computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a, 1)).not.toBe(computeHash(a, 2));
    expect(computeHash(a, 0)).not.toBe(computeHash(a));
  });
});

describe('revision annotations (SetNewReplicaSetAnnotations)', () => {
  it('raises the revision step by step and copies the deployment annotations but the skipped ones', () => {
    const d = newDeployment('nginx', 1);
    d.metadata!.annotations = { [REVISION_ANNOTATION]: '1', [CHANGE_CAUSE_ANNOTATION]: 'kubectl set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const r = rs('nginx-abc', 1);
    for (let i = 1; i <= 20; i++) {
      setNewReplicaSetAnnotations(d, r, i, true);
      expect(r.metadata?.annotations?.[REVISION_ANNOTATION]).toBe(String(i));
    }
    expect(r.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION]).toBe('kubectl set image');
    expect(r.metadata?.annotations).not.toHaveProperty('kubectl.kubernetes.io/last-applied-configuration');
    // Never lowered; "exists" leaves the replicas annotations alone.
    expect(setNewReplicaSetAnnotations(d, r, 3, true)).toBe(false);
    expect(r.metadata?.annotations?.[REVISION_ANNOTATION]).toBe('20');
    expect(r.metadata?.annotations).not.toHaveProperty(DESIRED_REPLICAS_ANNOTATION);
  });

  it('an old ReplicaSet brought back keeps its former revisions in revision-history', () => {
    const d = newDeployment('web', 3, { maxSurge: 1 });
    const r = rs('web-abc', 0);
    r.metadata!.annotations = { [REVISION_ANNOTATION]: '1' };
    setNewReplicaSetAnnotations(d, r, 3, true);
    expect(r.metadata?.annotations).toMatchObject({ [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1' });
    setNewReplicaSetAnnotations(d, r, 5, true);
    expect(r.metadata?.annotations).toMatchObject({ [REVISION_ANNOTATION]: '5', [REVISION_HISTORY_ANNOTATION]: '1,3' });
  });

  it('drops the oldest history entries beyond the length limit', () => {
    const d = newDeployment('web', 1);
    const r = rs('web-abc', 0);
    r.metadata!.annotations = { [REVISION_ANNOTATION]: '30', [REVISION_HISTORY_ANNOTATION]: '10,20' };
    setNewReplicaSetAnnotations(d, r, 31, true, 6);
    expect(r.metadata?.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('20,30');
  });

  it('a ReplicaSet about to be created gets desired and max replicas', () => {
    const d = newDeployment('web', 4, { maxSurge: '25%' });
    const r = rs('web-abc', 0);
    expect(setNewReplicaSetAnnotations(d, r, 1, false)).toBe(true);
    expect(r.metadata?.annotations).toMatchObject({ [DESIRED_REPLICAS_ANNOTATION]: '4', [MAX_REPLICAS_ANNOTATION]: '5', [REVISION_ANNOTATION]: '1' });
    expect(setReplicasAnnotations(r, 4, 5)).toBe(false);
  });

  it('a rollback gives the deployment the ReplicaSet annotations and keeps its own revision', () => {
    const d = newDeployment('web', 1);
    d.metadata!.annotations = { [REVISION_ANNOTATION]: '2', [CHANGE_CAUSE_ANNOTATION]: 'edit' };
    const r = rs('web-abc', 0);
    r.metadata!.annotations = { [REVISION_ANNOTATION]: '1', [CHANGE_CAUSE_ANNOTATION]: 'create', [DESIRED_REPLICAS_ANNOTATION]: '1' };
    setDeploymentAnnotationsTo(d, r);
    expect(d.metadata?.annotations).toEqual({ [REVISION_ANNOTATION]: '2', [CHANGE_CAUSE_ANNOTATION]: 'create' });
  });

  it('max and last revisions', () => {
    const rss = [1, 5, 3].map((v, i) => {
      const r = rs(`r${i}`, 0);
      r.metadata!.annotations = { [REVISION_ANNOTATION]: String(v) };
      return r;
    });
    expect(maxRevision(rss)).toBe(5);
    expect(lastRevision(rss)).toBe(3);
  });
});

describe('ReplicaSets of a deployment', () => {
  it('templates are equal ignoring the hash label and empty fields', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    expect(equalIgnoreHash(t, { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' }, annotations: {} }, spec: { containers: [{ name: 'c', image: 'i', args: [] }] } })).toBe(true);
    expect(equalIgnoreHash(t, { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'j' }] } })).toBe(false);
  });

  it('the new ReplicaSet is the oldest with the template', () => {
    const d = newDeployment('web', 1);
    const a = { ...rs('a', 1, 2), spec: { ...rs('a', 1).spec!, template: d.spec!.template } };
    const b = { ...rs('b', 1, 1), spec: { ...rs('b', 1).spec!, template: d.spec!.template } };
    expect(findNewReplicaSet(d, [a, b])?.metadata?.name).toBe('b');
  });

  it('active or latest, and saturation', () => {
    expect(findActiveOrLatest(undefined, [rs('old', 0, 0), rs('newer', 0, 1)])?.metadata?.name).toBe('newer');
    expect(findActiveOrLatest(rs('new', 0, 2), [rs('old', 3, 0)])?.metadata?.name).toBe('old');
    expect(findActiveOrLatest(rs('new', 1, 2), [rs('old', 3, 0)])).toBeUndefined();
    const d = newDeployment('web', 1);
    const r = rs('r', 1, 0, 1);
    r.metadata!.annotations = { [DESIRED_REPLICAS_ANNOTATION]: '1' };
    expect(isSaturated(d, r)).toBe(true);
    expect(isSaturated(d, rs('r2', 1, 0, 1))).toBe(false);
  });

  it('claims: own, adopt orphans that match, release the owned that do not, ignore others', () => {
    const d = newDeployment('web', 1);
    const selector = labelSelectorFromObject(d.spec!.selector);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata!.uid!, controller: true };
    const owned = { ...rs('owned', 1), metadata: { ...rs('owned', 1).metadata, labels: { foo: 'bar' }, ownerReferences: [ref] } };
    const strayed = { ...owned, metadata: { ...owned.metadata, labels: { foo: 'other' } } };
    const orphan = { ...owned, metadata: { ...owned.metadata, ownerReferences: [] } };
    const others = { ...owned, metadata: { ...owned.metadata, ownerReferences: [{ ...ref, uid: 'someone-else' }] } };
    expect(claimDecision(d, selector, owned)).toBe('own');
    expect(claimDecision(d, selector, strayed)).toBe('release');
    expect(claimDecision(d, selector, orphan)).toBe('adopt');
    expect(claimDecision(d, selector, others)).toBe('ignore');
    const deleting = { ...d, metadata: { ...d.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    expect(claimDecision(deleting, selector, orphan)).toBe('ignore');
    expect(claimDecision(deleting, selector, strayed)).toBe('ignore');
  });

  it('Recreate waits while an old ReplicaSet reports pods or an old pod has not finished', () => {
    const newRS = rs('new', 1);
    const old = { ...rs('old', 0), status: { replicas: 0 } };
    const pod = (phase: string) => ({ metadata: { name: 'p' }, status: { phase } });
    expect(oldPodsRunning(newRS, [{ ...old, status: { replicas: 1 } }], new Map())).toBe(true);
    expect(oldPodsRunning(newRS, [old], new Map([['uid-old', [pod('Running')]]]))).toBe(true);
    expect(oldPodsRunning(newRS, [old], new Map([['uid-old', [pod('Succeeded'), pod('Failed')]]]))).toBe(false);
    expect(oldPodsRunning(newRS, [old], new Map([['uid-new', [pod('Running')]]]))).toBe(false);
  });
});

// The dependency graph and what informer events queue, without an API server.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../client/rest-client.js';
import { silentLogger } from '../../util/log.js';
import { alternateOwnerIdentity, Graph, GraphNode, ReferenceCache, referencesDiffs, type ObjectIdentity } from './graph.js';
import { GraphBuilder } from './graph-builder.js';

const rsIdentity = (name: string, uid: string, namespace = 'ns'): ObjectIdentity => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, namespace });
const podIdentity = (name: string, uid: string, namespace = 'ns'): ObjectIdentity => ({ apiVersion: 'v1', kind: 'Pod', name, uid, namespace });
const ref = (id: ObjectIdentity, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: id.apiVersion, kind: id.kind, name: id.name, uid: id.uid, ...extra });

function object(id: ObjectIdentity, meta: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject {
  return { apiVersion: id.apiVersion, kind: id.kind, metadata: { name: id.name, namespace: id.namespace, uid: id.uid, ...meta } };
}

function setup(): {
  graph: Graph;
  builder: GraphBuilder;
  absent: ReferenceCache;
  deletes: string[];
  orphans: string[];
  invalid: { dependent: string; owner: string }[];
} {
  const graph = new Graph();
  const absent = new ReferenceCache();
  const deletes: string[] = [];
  const orphans: string[] = [];
  const invalid: { dependent: string; owner: string }[] = [];
  const builder = new GraphBuilder({
    graph,
    absentOwners: absent,
    attemptToDelete: (uid) => deletes.push(uid),
    attemptToOrphan: (uid) => orphans.push(uid),
    invalidNamespaceOwnerRef: (dependent, r) => invalid.push({ dependent: dependent.uid, owner: r.uid }),
    logger: silentLogger,
  });
  return { graph, builder, absent, deletes, orphans, invalid };
}

describe('GraphBuilder', () => {
  it('an owner seen only through a dependent is virtual and queued for verification; seeing it makes it real', () => {
    const { graph, builder, deletes } = setup();
    const rs = rsIdentity('web', 'rs-1');
    const pod = podIdentity('web-a', 'pod-1');
    builder.observe('add', pod, object(pod, { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] }));
    expect(graph.get('rs-1')?.virtual).toBe(true);
    expect(deletes).toEqual(['rs-1']);
    expect([...(graph.get('rs-1')?.dependents ?? [])].map((d) => d.identity.uid)).toEqual(['pod-1']);
    builder.observe('add', rs, object(rs));
    expect(graph.get('rs-1')?.virtual).toBe(false);
    expect(graph.get('rs-1')?.blockingDependents().map((d) => d.identity.uid)).toEqual(['pod-1']);
  });

  it('a deleted owner leaves the graph, is remembered absent, and its dependents are queued', () => {
    const { graph, builder, deletes, absent } = setup();
    const rs = rsIdentity('web', 'rs-1');
    builder.observe('add', rs, object(rs));
    for (const uid of ['pod-1', 'pod-2']) builder.observe('add', podIdentity(uid, uid), object(podIdentity(uid, uid), { ownerReferences: [ref(rs)] }));
    expect(deletes).toEqual([]);
    builder.observe('delete', rs, object(rs));
    expect(graph.get('rs-1')).toBeUndefined();
    expect(deletes.sort()).toEqual(['pod-1', 'pod-2']);
    expect(absent.has(rs)).toBe(true);
  });

  it('a deletion starting with foregroundDeletion marks the owner and queues it and its dependents', () => {
    const { graph, builder, deletes } = setup();
    const rs = rsIdentity('web', 'rs-1');
    builder.observe('add', rs, object(rs));
    const pod = podIdentity('p', 'pod-1');
    builder.observe('add', pod, object(pod, { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] }));
    const deleting = object(rs, { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] });
    builder.observe('update', rs, deleting, object(rs));
    expect(graph.get('rs-1')?.deletingDependents).toBe(true);
    expect(graph.get('rs-1')?.beingDeleted).toBe(true);
    expect(deletes).toEqual(['pod-1', 'rs-1']);
    // A resync (same object again) is not a new transition.
    builder.observe('update', rs, deleting, deleting);
    expect(deletes).toEqual(['pod-1', 'rs-1']);
    // The dependent going away lets the owner be looked at again.
    builder.observe('delete', pod, object(pod, { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] }));
    expect(deletes).toEqual(['pod-1', 'rs-1', 'rs-1']);
  });

  it('after a restart, an owner already deleting is recognised from its first add', () => {
    const { builder, deletes, orphans } = setup();
    const fg = rsIdentity('fg', 'rs-fg');
    const or = rsIdentity('or', 'rs-or');
    builder.observe('add', fg, object(fg, { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }));
    builder.observe('add', or, object(or, { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['orphan'] }));
    expect(deletes).toEqual(['rs-fg']);
    expect(orphans).toEqual(['rs-or']);
  });

  it('dropping a blocking reference, or unblocking it, queues the owner', () => {
    const { builder, deletes } = setup();
    const a = rsIdentity('a', 'rs-a');
    const b = rsIdentity('b', 'rs-b');
    builder.observe('add', a, object(a));
    builder.observe('add', b, object(b));
    const pod = podIdentity('p', 'pod-1');
    const before = object(pod, { ownerReferences: [ref(a, { blockOwnerDeletion: true }), ref(b, { blockOwnerDeletion: true })] });
    builder.observe('add', pod, before);
    const after = object(pod, { ownerReferences: [ref(b, { blockOwnerDeletion: false })] });
    builder.observe('update', pod, after, before);
    expect(deletes.sort()).toEqual(['rs-a', 'rs-b']);
  });

  it('an owner observed in another namespace than its dependent is reported and the dependent checked', () => {
    const { builder, deletes, invalid } = setup();
    const owner: ObjectIdentity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-1', namespace: 'b' };
    builder.observe('add', owner, object(owner));
    const pod = podIdentity('p', 'pod-1', 'a');
    builder.observe('add', pod, object(pod, { ownerReferences: [ref(owner)] }));
    expect(invalid).toEqual([{ dependent: 'pod-1', owner: 'cm-1' }]);
    expect(deletes).toEqual(['pod-1']);
  });

  it('the same, when the dependent was seen first: the virtual owner is corrected when observed', () => {
    const { graph, builder, deletes, invalid } = setup();
    const owner: ObjectIdentity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-1', namespace: 'b' };
    const pod = podIdentity('p', 'pod-1', 'a');
    builder.observe('add', pod, object(pod, { ownerReferences: [ref(owner)] }));
    expect(graph.get('cm-1')?.identity.namespace).toBe('a');
    builder.observe('add', owner, object(owner));
    expect(graph.get('cm-1')?.identity.namespace).toBe('b');
    expect(graph.get('cm-1')?.virtual).toBe(false);
    expect(invalid).toEqual([{ dependent: 'pod-1', owner: 'cm-1' }]);
    expect(deletes).toEqual(['cm-1', 'pod-1']);
  });

  it('a virtual delete removes a virtual owner and queues its dependents', () => {
    const { graph, builder, deletes, absent } = setup();
    const ghost = rsIdentity('ghost', 'rs-x');
    const pod = podIdentity('p', 'pod-1');
    builder.observe('add', pod, object(pod, { ownerReferences: [ref(ghost)] }));
    builder.virtualDelete(ghost);
    expect(graph.get('rs-x')).toBeUndefined();
    expect(deletes).toEqual(['rs-x', 'pod-1']);
    expect(absent.has(ghost)).toBe(true);
  });

  it('a virtual delete of an identity the dependents disagree on keeps the node under the other identity', () => {
    const { graph, builder, deletes } = setup();
    const asRs = rsIdentity('x', 'uid-x');
    const asDeployment: ObjectIdentity = { ...asRs, kind: 'Deployment' };
    const p1 = podIdentity('p1', 'pod-1');
    const p2 = podIdentity('p2', 'pod-2');
    builder.observe('add', p1, object(p1, { ownerReferences: [ref(asRs)] }));
    builder.observe('add', p2, object(p2, { ownerReferences: [ref(asDeployment)] }));
    deletes.length = 0;
    builder.virtualDelete(asRs);
    // pod-1 named the absent identity; pod-2 names another, which is now verified in turn.
    expect(deletes).toEqual(['pod-1', 'uid-x']);
    expect(graph.get('uid-x')?.identity.kind).toBe('Deployment');
  });

  it('a virtual delete does not remove an observed object that has another identity', () => {
    const { graph, builder } = setup();
    const rs = rsIdentity('web', 'rs-1');
    builder.observe('add', rs, object(rs));
    builder.virtualDelete({ ...rs, kind: 'Deployment' });
    expect(graph.get('rs-1')?.virtual).toBe(false);
  });
});

describe('graph helpers', () => {
  it('referencesDiffs finds added, removed and changed references by uid', () => {
    const a = { apiVersion: 'v1', kind: 'X', name: 'a', uid: '1' };
    const b = { apiVersion: 'v1', kind: 'X', name: 'b', uid: '2' };
    const c = { apiVersion: 'v1', kind: 'X', name: 'c', uid: '3' };
    const diff = referencesDiffs([a, { ...b, blockOwnerDeletion: true }], [{ ...b, blockOwnerDeletion: false }, c]);
    expect(diff.added).toEqual([c]);
    expect(diff.removed).toEqual([a]);
    expect(diff.changed).toEqual([{ oldRef: { ...b, blockOwnerDeletion: true }, newRef: { ...b, blockOwnerDeletion: false } }]);
    expect(referencesDiffs([a], [{ ...a, controller: false }]).changed).toEqual([]);
  });

  it('alternateOwnerIdentity picks the next identity in order, else the first', () => {
    const absent = rsIdentity('m', 'u');
    const dep = (name: string, kind: string): GraphNode => new GraphNode(podIdentity(name, name), [{ apiVersion: 'apps/v1', kind, name: 'm', uid: 'u' }]);
    expect(alternateOwnerIdentity([dep('p1', 'ReplicaSet'), dep('p2', 'StatefulSet'), dep('p3', 'Deployment')], absent)?.kind).toBe('StatefulSet');
    expect(alternateOwnerIdentity([dep('p3', 'Deployment'), dep('p4', 'DaemonSet')], absent)?.kind).toBe('DaemonSet');
    expect(alternateOwnerIdentity([dep('p1', 'ReplicaSet')], absent)).toBeUndefined();
  });

  it('ReferenceCache forgets the least recently used identity', () => {
    const cache = new ReferenceCache(2);
    const [a, b, c] = [rsIdentity('a', '1'), rsIdentity('b', '2'), rsIdentity('c', '3')];
    cache.add(a);
    cache.add(b);
    expect(cache.has(a)).toBe(true);
    cache.add(c);
    expect(cache.has(b)).toBe(false);
    expect(cache.has(a)).toBe(true);
    expect(cache.has(c)).toBe(true);
  });
});

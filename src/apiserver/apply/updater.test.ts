import { describe, expect, it } from 'vitest';
import { isApiError } from '../../api/api-errors.js';
import type { JsonObject } from '../../api/patch/json-value.js';
import type { KubeObject } from '../registry/resource.js';
import { applyConfiguration, recordUpdate, type ManagedResource } from './field-manager.js';
import { fieldElement as f } from './field-path.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, managerId, MAX_UPDATE_MANAGERS, type Managers } from './managers.js';
import { fieldManagerProblems, forceOption, managerFromUserAgent } from './options.js';
import { schemaForKind } from './schema.js';
import { mergeObjects, pruneObject } from './typed-merge.js';
import { FieldSet } from './field-set.js';

const pod = schemaForKind({ group: '', kind: 'Pod' });
const now = new Date('2026-01-02T03:04:05.678Z');
const configMaps: ManagedResource = { group: '', version: 'v1', kind: 'ConfigMap', hasStatus: false, strategy: {} };
const deployments: ManagedResource = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  hasStatus: true,
  strategy: {
    defaults: (o) => {
      const spec = o['spec'] as { replicas?: number } | undefined;
      if (spec !== undefined) spec.replicas ??= 1;
    },
  },
};

const names = (list: unknown): string[] => (list as { name: string }[]).map((item) => item.name);

describe('merging a configuration into the live object', () => {
  it('merges keyed lists item by item, in the configuration order, keeping live-only items in place', () => {
    const live: JsonObject = { spec: { containers: [{ name: 'a', image: '1', tty: true }, { name: 'x' }, { name: 'b', image: '2' }] } };
    const config: JsonObject = { spec: { containers: [{ name: 'b', image: '3' }, { name: 'c' }, { name: 'a', image: '1' }] } };
    const merged = mergeObjects(live, config, pod) as { spec: { containers: JsonObject[] } };
    expect(names(merged.spec.containers)).toEqual(['x', 'b', 'c', 'a']);
    expect(merged.spec.containers).toContainEqual({ name: 'a', image: '1', tty: true });
    expect(merged.spec.containers).toContainEqual({ name: 'b', image: '3' });
  });

  it('replaces atomic lists and maps whole, merges granular maps, unsets what the configuration sets to null', () => {
    const live: JsonObject = { metadata: { labels: { a: '1', b: '2' } }, spec: { nodeSelector: { x: '1', y: '2' }, tolerations: [{ key: 'a' }, { key: 'b' }] } };
    const config: JsonObject = { metadata: { labels: { a: null, c: '3' } }, spec: { nodeSelector: { z: '3' }, tolerations: [{ key: 'c' }] } };
    expect(mergeObjects(live, config, pod)).toEqual({
      metadata: { labels: { b: '2', c: '3' } },
      spec: { nodeSelector: { z: '3' }, tolerations: [{ key: 'c' }] },
    });
  });

  it('merges sets of scalars as a union (upstream order: configured items first, live-only after the item they followed)', () => {
    expect(mergeObjects({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } }, pod)).toEqual({ metadata: { finalizers: ['c', 'a', 'b'] } });
  });

  it('prunes what the applier applied last time and no manager claims now', () => {
    const merged: JsonObject = { spec: { containers: [{ name: 'a', image: '1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], terminationMessagePath: '/d' }] } };
    const item = 'k:{"name":"a"}';
    const last = FieldSet.of([
      [f('spec'), f('containers'), item],
      [f('spec'), f('containers'), item, f('image')],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"X"}'],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"X"}', f('value')],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"Y"}'],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"Y"}', f('value')],
    ]);
    const owned = FieldSet.of([
      [f('spec'), f('containers'), item],
      [f('spec'), f('containers'), item, f('image')],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"Y"}'],
      [f('spec'), f('containers'), item, f('env'), 'k:{"name":"Y"}', f('value')],
    ]);
    // X goes; Y stays (claimed); the default nobody applied stays.
    expect(pruneObject(merged, last, owned, pod)).toEqual({
      spec: { containers: [{ name: 'a', image: '1', env: [{ name: 'Y', value: '2' }], terminationMessagePath: '/d' }] },
    });
    // The container goes whole, defaults and all, once nobody claims it; so do the emptied list and struct.
    expect(pruneObject(merged, last, new FieldSet(), pod)).toEqual({});
    // A field owned without its value (another manager's item, say) loses the value.
    expect(pruneObject(merged, last, owned.difference(FieldSet.of([[f('spec'), f('containers'), item, f('env'), 'k:{"name":"Y"}', f('value')]])), pod)).toEqual({
      spec: { containers: [{ name: 'a', image: '1', env: [{ name: 'Y' }], terminationMessagePath: '/d' }] },
    });
  });
});

const cmConfig = (data: JsonObject, extra: JsonObject = {}): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...extra }, data });
const stored = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, resourceVersion: '5', uid: 'u' } });

describe('applyConfiguration', () => {
  it('creates with an Apply entry; the same configuration again changes nothing, time included', () => {
    const created = applyConfiguration(configMaps, undefined, cmConfig({ a: '1' }), { manager: 'm', force: false, now });
    expect(created.metadata?.managedFields).toEqual([
      { manager: 'm', operation: 'Apply', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
    const live = stored(created);
    const again = applyConfiguration(configMaps, live, cmConfig({ a: '1' }), { manager: 'm', force: false, now: new Date('2027-01-01T00:00:00Z') });
    expect(again).toEqual(live);
  });

  it('removes what the applier dropped, keeps what another applier still applies', () => {
    let live = stored(applyConfiguration(configMaps, undefined, cmConfig({ a: '1', b: '2' }), { manager: 'alice', force: false, now }));
    live = stored(applyConfiguration(configMaps, live, cmConfig({ b: '2' }), { manager: 'bob', force: false, now }));
    const { data: _, ...nothing } = cmConfig({});
    live = stored(applyConfiguration(configMaps, live, nothing, { manager: 'alice', force: false, now }));
    expect(live['data']).toEqual({ b: '2' });
    expect(live.metadata?.managedFields?.map((e) => (e as { manager: string }).manager)).toEqual(['bob']);
  });

  it('refuses to change another manager\'s field with a 409 naming it, takes it with force', () => {
    const created = stored(applyConfiguration(configMaps, undefined, cmConfig({ a: '1' }), { manager: 'alice', force: false, now }));
    const edited = stored(recordUpdate(configMaps, created, { ...created, data: { a: '2' } }, { manager: 'kubectl-edit', now }));
    expect(edited.metadata?.managedFields?.map((e) => (e as { manager: string }).manager)).toEqual(['kubectl-edit']);
    const refused = (() => {
      try {
        applyConfiguration(configMaps, edited, cmConfig({ a: '3' }), { manager: 'bob', force: false, now });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isApiError(refused, 'Conflict')).toBe(true);
    expect((refused as Error).message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a');
    const forced = applyConfiguration(configMaps, edited, cmConfig({ a: '3' }), { manager: 'bob', force: true, now });
    expect(forced['data']).toEqual({ a: '3' });
    expect(forced.metadata?.managedFields?.map((e) => (e as { manager: string }).manager)).toEqual(['bob']);
  });

  it('gives an untracked object to "before-first-apply" first', () => {
    const untracked: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u', resourceVersion: '3' }, data: { a: '1' } };
    expect(() => applyConfiguration(configMaps, untracked, cmConfig({ a: '2' }), { manager: 'm', force: false, now })).toThrow(
      'conflict with "before-first-apply" using v1: .data.a',
    );
  });

  it('forgives kubectl the conflicts with what its client-side apply set, and keeps the annotation in sync', () => {
    const lastApplied = '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c"}}\n';
    const csa = stored(
      recordUpdate(configMaps, undefined, { ...cmConfig({ a: '1' }, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } }) }, { manager: 'kubectl-client-side-apply', now }),
    );
    const ssa = applyConfiguration(configMaps, csa, cmConfig({ a: '2' }), { manager: 'kubectl', force: false, now });
    expect(ssa['data']).toEqual({ a: '2' });
    expect(ssa.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"apiVersion":"v1","data":{"a":"2"},"kind":"ConfigMap","metadata":{"name":"c"}}\n');
    expect(() => applyConfiguration(configMaps, csa, cmConfig({ a: '2' }), { manager: 'other', force: false, now })).toThrow('conflict with "kubectl-client-side-apply"');
  });

  it('never lets an apply own status through the main resource', () => {
    const config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { paused: true }, status: { replicas: 3 } };
    const created = applyConfiguration(deployments, undefined, config, { manager: 'm', force: false, now });
    expect((created.metadata?.managedFields?.[0] as { fieldsV1: unknown }).fieldsV1).toEqual({ 'f:spec': { 'f:paused': {} } });
  });
});

describe('recordUpdate', () => {
  it('owns what a write added or changed (defaults included), under the manager and subresource', () => {
    const created = stored(recordUpdate(deployments, undefined, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { a: '1' } }, spec: {} }, { manager: 'kubectl-create', now }));
    expect(created.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
    const later = new Date('2026-01-02T03:05:00Z');
    const scaled = recordUpdate(deployments, created, { ...created, spec: { replicas: 4 } }, { manager: 'kubectl', subresource: 'scale', now: later });
    const entries = scaled.metadata?.managedFields as { manager: string; subresource?: string; fieldsV1: unknown }[];
    expect(entries.map((e) => [e.manager, e.subresource, e.fieldsV1])).toEqual([
      ['kubectl-create', undefined, { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } }],
      ['kubectl', 'scale', { 'f:spec': { 'f:replicas': {} } }],
    ]);
  });

  it('leaves untracked objects untracked, resets on managedFields: [], and changes nothing for a no-op', () => {
    const untracked: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(recordUpdate(configMaps, untracked, { ...untracked, data: { a: '2' } }, { manager: 'm', now }).metadata?.managedFields).toBeUndefined();
    const tracked = stored(recordUpdate(configMaps, undefined, untracked, { manager: 'm', now }));
    expect(recordUpdate(configMaps, tracked, structuredClone(tracked), { manager: 'other', now: new Date() })).toEqual(tracked);
    expect(recordUpdate(configMaps, tracked, { ...tracked, metadata: { ...tracked.metadata, managedFields: [] } }, { manager: 'm', now }).metadata?.managedFields).toBeUndefined();
  });
});

describe('managers', () => {
  it('encode in upstream order (operation, time, manager) and skip what cannot be read', () => {
    const raw = [
      { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:02Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
      { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:03Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:x': {} } },
      { manager: 'z', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:09Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:y': {} } },
      { manager: 'bad', operation: 'Delete', apiVersion: 'v1', fieldsType: 'FieldsV1' },
      { manager: 'bad', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'q:': {} } },
      'nonsense',
    ];
    expect(encodeManagedFields(decodeManagedFields(raw))?.map((e) => e['manager'])).toEqual(['z', 'b', 'a']);
  });

  it(`cap Update entries at ${MAX_UPDATE_MANAGERS}, folding the oldest into "ancient-changes"`, () => {
    const managers: Managers = new Map();
    for (let i = 0; i < 12; i++) {
      const entry = { manager: `m${i}`, operation: 'Update', apiVersion: 'v1', time: `2026-01-01T00:00:${String(10 + i)}Z`, fields: FieldSet.of([[f(`f${i}`)]]) } as const;
      managers.set(managerId(entry), entry);
    }
    capUpdateManagers(managers);
    expect(managers.size).toBe(MAX_UPDATE_MANAGERS);
    const bucket = managers.get(managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: 'v1' }));
    expect(bucket?.fields.paths()).toEqual([[f('f0')], [f('f1')], [f('f2')]]);
  });
});

describe('request options', () => {
  it('derive the manager from the User-Agent as upstream', () => {
    expect(managerFromUserAgent('kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl');
    expect(managerFromUserAgent('node-fetch')).toBe('node-fetch');
    expect(managerFromUserAgent(undefined)).toBe('');
    expect(managerFromUserAgent('a\u0000b\tc/1')).toBe('abc');
    expect(managerFromUserAgent('x'.repeat(300))).toHaveLength(128);
  });

  it('check fieldManager and read force as Kubernetes reads a query boolean', () => {
    expect(fieldManagerProblems('kubectl')).toEqual([]);
    expect(fieldManagerProblems('x'.repeat(129)).map((c) => c.message)).toEqual(['fieldManager: Too long: may not be more than 128 bytes']);
    expect(fieldManagerProblems('a\nb').map((c) => c.message)).toEqual(['fieldManager: Invalid value: "a\\nb": invalid character U+000A (at position 1)']);
    const q = (s: string) => new URLSearchParams(s);
    expect([forceOption(q('')), forceOption(q('force=true')), forceOption(q('force=false')), forceOption(q('force=0')), forceOption(q('force=x'))]).toEqual([
      undefined,
      true,
      false,
      false,
      true,
    ]);
  });
});

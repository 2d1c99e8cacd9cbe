// The three-way patch of client-side apply, checked two ways: the patch itself for cases whose
// upstream answer is known (directives kubectl sends), and the object the API server's own
// strategic merge makes of it (what the user sees).
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../api/patch/json-value.js';
import { patchSchemaForKind } from '../../api/patch/patch-strategies.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { threeWayPatch, twoWayPatch } from './three-way-merge.js';

const deployment = (spec: JsonObject): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
const schema = patchSchemaForKind({ group: 'apps', kind: 'Deployment' });

function applied(original: JsonObject, modified: JsonObject, current: JsonObject): { patch: JsonObject; result: JsonObject } {
  const { patch, type } = threeWayPatch(original, modified, current, 'apps/v1', 'Deployment');
  expect(type).toBe('strategic');
  if (schema === undefined) throw new Error('no schema for Deployment');
  return { patch, result: applyStrategicMergePatch(current, patch, schema) };
}

const container = (env: JsonObject[]): JsonObject => ({ template: { spec: { containers: [{ name: 'main', image: 'busybox', env }] } } });

describe('threeWayPatch', () => {
  it('is empty when the file is what was applied and the live object agrees', () => {
    const file = deployment(container([{ name: 'A', value: '1' }]));
    expect(threeWayPatch(file, file, { ...file, status: { replicas: 1 } }, 'apps/v1', 'Deployment').patch).toEqual({});
  });

  it('deletes an element the file dropped by merge key, and keeps one another writer added', () => {
    const original = deployment(container([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    const current = deployment(container([{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'EXTRA', value: 'x' }]));
    const modified = deployment(container([{ name: 'A', value: '1' }]));
    const { patch, result } = applied(original, modified, current);
    const env = (patch['spec'] as { template: { spec: { containers: JsonObject[] } } }).template.spec.containers[0]?.['env'];
    expect(env).toEqual([{ $patch: 'delete', name: 'B' }]);
    expect((result['spec'] as { template: { spec: { containers: { env: unknown }[] } } }).template.spec.containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'EXTRA', value: 'x' },
    ]);
  });

  it('sends $retainKeys for a retainKeys field, so switching to Recreate clears rollingUpdate', () => {
    const rolling = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
    const recreate = deployment({ strategy: { type: 'Recreate' } });
    const { patch, result } = applied(rolling, recreate, rolling);
    expect(patch).toEqual({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    expect(result['spec']).toEqual({ strategy: { type: 'Recreate' } });
  });

  it('removes from a primitive merge list with $deleteFromPrimitiveList and sets the order', () => {
    const meta = (finalizers: string[]): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', finalizers } });
    const { patch, result } = applied(meta(['a', 'b']), meta(['a']), meta(['a', 'b', 'c']));
    expect(patch).toEqual({ metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] } });
    expect((result['metadata'] as { finalizers: string[] }).finalizers).toEqual(['a', 'c']);
  });

  it('is a JSON merge patch for kinds without strategies (custom resources)', () => {
    const widget = (spec: JsonObject): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
    const plan = threeWayPatch(widget({ items: [1, 2], gone: true }), widget({ items: [1] }), widget({ items: [1, 2], gone: true, other: 1 }), 'example.com/v1', 'Widget');
    expect(plan).toEqual({ type: 'merge', patch: { spec: { items: [1], gone: null } } });
  });
});

describe('twoWayPatch', () => {
  it('includes deletions of fields nobody declared (what edit needs)', () => {
    const before = deployment({ replicas: 1, paused: true });
    expect(twoWayPatch(before, deployment({ replicas: 3 }), 'apps/v1', 'Deployment').patch).toEqual({ spec: { replicas: 3, paused: null } });
  });
});

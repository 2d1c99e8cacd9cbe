import { describe, expect, it } from 'vitest';
import { cloneJson, type JsonObject } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { owner: 'team-a' } },
  spec: {
    replicas: 1,
    template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } },
  },
});

describe('applyMergePatch', () => {
  it('adds and removes labels as kubectl label does', () => {
    const labelled = applyMergePatch(deployment(), { metadata: { labels: { env: 'prod' } } });
    expect(labelled['metadata']).toMatchObject({ labels: { app: 'web', env: 'prod' } });
    const unlabelled = applyMergePatch(labelled, { metadata: { labels: { app: null } } });
    expect(unlabelled['metadata']).toMatchObject({ labels: { env: 'prod' } });
  });

  it('overwrites an annotation as kubectl annotate --overwrite does', () => {
    const patched = applyMergePatch(deployment(), {
      metadata: { annotations: { owner: 'team-b' }, resourceVersion: '12' },
    });
    expect(patched['metadata']).toEqual({
      name: 'web',
      labels: { app: 'web' },
      annotations: { owner: 'team-b' },
      resourceVersion: '12',
    });
  });

  it('scales through the scale subresource as kubectl scale does', () => {
    const scale: JsonObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1 },
      status: { replicas: 1, selector: 'app=web' },
    };
    expect(applyMergePatch(scale, { spec: { replicas: 3 } })).toEqual({ ...scale, spec: { replicas: 3 } });
  });

  it('replaces lists whole: there are no merge keys in a merge patch', () => {
    const patched = applyMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } },
    });
    expect(patched['spec']).toMatchObject({ template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } });
  });

  it('drops nulls inside replacing values instead of storing them', () => {
    const patched = applyMergePatch(deployment(), {
      spec: {
        strategy: { type: 'Recreate', rollingUpdate: null },
        template: { spec: { containers: [{ name: 'web', image: 'nginx', command: null }, null] } },
      },
    });
    expect(patched['spec']).toMatchObject({
      strategy: { type: 'Recreate' },
      template: { spec: { containers: [{ name: 'web', image: 'nginx' }, null] } },
    });
  });

  it('merges into a member that was not an object as into an empty one', () => {
    expect(applyMergePatch({ a: 'text' }, { a: { b: 1, c: null } })).toEqual({ a: { b: 1 } });
  });

  it('follows the RFC 7386 examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('modifies neither the stored object nor the patch, and shares nothing with the patch', () => {
    const original = deployment();
    const patch: JsonObject = { metadata: { labels: { env: 'prod' } }, spec: { selector: { matchLabels: { a: 'b' } } } };
    const [originalBefore, patchBefore] = [cloneJson(original), cloneJson(patch)];
    const patched = applyMergePatch(original, patch);
    expect(original).toEqual(originalBefore);
    expect(patch).toEqual(patchBefore);
    expect((patched['spec'] as JsonObject)['selector']).not.toBe((patch['spec'] as JsonObject)['selector']);
  });

  it('refuses a patch that is not an object with 400', () => {
    expect(() => applyMergePatch(deployment(), null)).toThrow(expect.objectContaining({ code: 400, message: 'Invalid JSON Patch' }));
    expect(() => applyMergePatch(deployment(), [1])).toThrow(
      expect.objectContaining({
        code: 400,
        message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
      }),
    );
  });

  it('stores a "__proto__" member as data, never as a prototype', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as JsonObject;
    const patched = applyMergePatch(deployment(), patch);
    const labels = (patched['metadata'] as JsonObject)['labels'] as JsonObject;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.hasOwn(labels, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
import { cloneJson, type Json, type JsonObject } from './json-value.js';
import { PatchError } from './patch-error.js';

const pod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
});

/** The PatchError thrown by `run`, so its status fields can be checked. */
function failure(run: () => unknown): PatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw error;
  }
  throw new Error('expected a PatchError');
}

function rejected(patch: Json): { code: number; reason: string; message: string; cause: string | undefined } {
  const error = failure(() => applyJsonPatch(pod(), patch));
  return { code: error.code, reason: error.reason, message: error.message, cause: error.causes[0]?.message };
}

const REJECTED = 'the server rejected our request due to an error in our request';

describe('applyJsonPatch', () => {
  it('applies add, replace, remove, move, copy and test in order', () => {
    const patched = applyJsonPatch(pod(), [
      { op: 'test', path: '/metadata/labels/app', value: 'web' },
      { op: 'add', path: '/metadata/labels/env', value: 'prod' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.26' },
      { op: 'remove', path: '/metadata/labels/tier' },
      { op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } },
      { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
      { op: 'move', from: '/metadata/annotations/env', path: '/metadata/annotations/stage' },
    ]);
    expect(patched['metadata']).toEqual({
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', env: 'prod' },
      annotations: { app: 'web', stage: 'prod' },
    });
    expect(patched['spec']).toEqual({
      containers: [
        { name: 'web', image: 'nginx:1.26' },
        { name: 'sidecar', image: 'busybox' },
      ],
    });
  });

  it('never modifies the stored object, and the result shares nothing with the patch', () => {
    const original = pod();
    const before = cloneJson(original);
    const value = { team: 'a' };
    const patched = applyJsonPatch(original, [{ op: 'add', path: '/metadata/annotations', value }]);
    expect(original).toEqual(before);
    value.team = 'b';
    expect(patched['metadata']).toMatchObject({ annotations: { team: 'a' } });
  });

  it('escapes ~1 and ~0 in paths, as label keys with a slash need', () => {
    const patched = applyJsonPatch(pod(), [
      { op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' },
      { op: 'add', path: '/metadata/labels/a~0b', value: 'x' },
    ]);
    expect(patched['metadata']).toMatchObject({ labels: { 'app.kubernetes.io/name': 'web', 'a~b': 'x' } });
  });

  it('answers a failed test with 422 and upstream wording', () => {
    expect(rejected([{ op: 'test', path: '/metadata/labels/app', value: 'db' }])).toEqual({
      code: 422,
      reason: 'Invalid',
      message: REJECTED,
      cause: 'testing value /metadata/labels/app failed: test failed',
    });
  });

  it('answers a path that does not exist with 422', () => {
    expect(rejected([{ op: 'remove', path: '/metadata/labels/nope' }]).cause).toBe(
      'remove operation does not apply: doc is missing path: "/metadata/labels/nope": missing value',
    );
    expect(rejected([{ op: 'replace', path: '/spec/nodeName', value: 'n1' }]).cause).toBe(
      'replace operation does not apply: doc is missing key: /spec/nodeName: missing value',
    );
    expect(rejected([{ op: 'add', path: '/spec/affinity/nodeAffinity', value: {} }])).toMatchObject({
      code: 422,
      cause: 'add operation does not apply: doc is missing path: "/spec/affinity/nodeAffinity": missing value',
    });
    expect(rejected([{ op: 'copy', from: '/spec/nope', path: '/spec/x' }]).cause).toBe(
      'copy operation does not apply: doc is missing from path: /spec/nope: missing value',
    );
    expect(rejected([{ op: 'add', path: '/spec/containers/5', value: {} }]).cause).toBe(
      "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
    );
  });

  it('keeps the operations before a failing one from taking effect', () => {
    const original = pod();
    expect(() =>
      applyJsonPatch(original, [
        { op: 'add', path: '/metadata/labels/x', value: 'y' },
        { op: 'test', path: '/metadata/name', value: 'other' },
      ]),
    ).toThrow(PatchError);
    expect(original['metadata']).not.toHaveProperty('labels.x');
  });

  it('refuses unknown operations, including fast-json-patch internals, with 422', () => {
    expect(rejected([{ op: 'frobnicate', path: '/a' }]).cause).toBe('Unexpected kind: frobnicate');
    expect(rejected([{ op: '_get', path: '/metadata' }]).cause).toBe('Unexpected kind: _get');
    expect(rejected([{ op: 'toString', path: '/metadata' }]).cause).toBe('Unexpected kind: toString');
    expect(rejected([{ path: '/a' }]).cause).toBe('Unexpected kind: unknown');
    expect(rejected([null]).cause).toBe('Unexpected kind: unknown');
    expect(rejected([{ op: 'add', value: 1 }]).cause).toBe('add operation failed to decode path: missing value');
    expect(rejected([{ op: 'move', path: '/a' }]).cause).toBe('move operation failed to decode from: missing value');
  });

  it('reads an absent value as null, as evanphx/json-patch does', () => {
    const patched = applyJsonPatch(pod(), [{ op: 'add', path: '/spec/nodeName' }]);
    expect(patched['spec']).toHaveProperty('nodeName', null);
  });

  it('answers a body that is not a list of operations with 400 and Go decode wording', () => {
    expect(failure(() => applyJsonPatch(pod(), { op: 'add' }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
    expect(failure(() => applyJsonPatch(pod(), ['add']))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    });
  });

  it('refuses more than 10,000 operations with 413', () => {
    const operations = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({
      op: 'test',
      path: '/kind',
      value: 'Pod',
    }));
    expect(failure(() => applyJsonPatch(pod(), operations))).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });

  it('replaces the whole document at the root, but refuses a result that is not an object', () => {
    expect(applyJsonPatch(pod(), [{ op: 'replace', path: '', value: { kind: 'Pod' } }])).toEqual({ kind: 'Pod' });
    expect(failure(() => applyJsonPatch(pod(), [{ op: 'remove', path: '' }]))).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
  });

  it('cannot be used to reach Object.prototype', () => {
    const error = failure(() => applyJsonPatch(pod(), [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]));
    expect(error.code).toBe(422);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { acceptedPatchContentTypes, applyPatch, resolvePatchType } from './apply-patch.js';
import type { JsonObject } from './json-value.js';
import { PatchError } from './patch-error.js';
import { parsePatchBody } from './patch-body.js';

const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };
const WIDGET = { group: 'example.com', kind: 'Widget' };

const deployment = (): JsonObject => ({
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
});

describe('resolvePatchType', () => {
  it('maps the Content-Type, ignoring parameters and case', () => {
    expect(resolvePatchType('application/json-patch+json', DEPLOYMENT)).toBe('json');
    expect(resolvePatchType('application/merge-patch+json; charset=utf-8', DEPLOYMENT)).toBe('merge');
    expect(resolvePatchType('Application/Strategic-Merge-Patch+JSON', DEPLOYMENT)).toBe('strategic');
    expect(resolvePatchType('application/apply-patch+yaml', DEPLOYMENT)).toBe('apply');
    expect(resolvePatchType('application/merge-patch+json', WIDGET)).toBe('merge');
  });

  it('refuses strategic merge patch of a custom resource with 415, as kube-apiserver does', () => {
    expect(() => resolvePatchType('application/strategic-merge-patch+json', WIDGET)).toThrow(
      expect.objectContaining({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: ' +
          'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      }),
    );
  });

  it('refuses other media types with 415, listing what a built-in kind accepts', () => {
    for (const contentType of ['application/json', 'text/plain', undefined, '']) {
      expect(() => resolvePatchType(contentType, DEPLOYMENT)).toThrow(
        expect.objectContaining({
          code: 415,
          message: expect.stringContaining(
            'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
          ) as unknown,
        }),
      );
    }
    expect(acceptedPatchContentTypes(WIDGET)).not.toContain('application/strategic-merge-patch+json');
  });
});

describe('applyPatch', () => {
  it('parses the body and applies each patch type', () => {
    const body = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
    const image = (object: JsonObject): unknown =>
      ((((object['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0]?.[
        'image'
      ];
    const json = applyPatch({
      type: 'json',
      original: deployment(),
      groupKind: DEPLOYMENT,
      body: body([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.26' }]),
    });
    expect(image(json)).toBe('nginx:1.26');
    const strategic = applyPatch({
      type: 'strategic',
      original: deployment(),
      groupKind: DEPLOYMENT,
      body: JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } }),
    });
    expect(image(strategic)).toBe('nginx:1.27');
    const merge = applyPatch({
      type: 'merge',
      original: deployment(),
      groupKind: DEPLOYMENT,
      body: '{"metadata":{"labels":{"app":null}}}',
    });
    expect(merge['metadata']).toEqual({ name: 'web', labels: {} });
  });

  it('refuses strategic merge patch when the kind has no schema', () => {
    expect(() => applyPatch({ type: 'strategic', original: {}, groupKind: WIDGET, body: '{}' })).toThrow(
      expect.objectContaining({ code: 415 }),
    );
  });
});

describe('parsePatchBody', () => {
  it('answers a body that is not JSON with 400 and Go-like wording', () => {
    const message = (body: string): string => {
      try {
        parsePatchBody(body);
      } catch (error) {
        if (error instanceof PatchError && error.code === 400) return error.message;
      }
      return 'no 400';
    };
    expect(message('')).toBe('unexpected end of JSON input');
    expect(message('{"a":')).toBe('unexpected end of JSON input');
    expect(message('nope')).toMatch(/^invalid character '[a-z]' looking for beginning of value$/);
    expect(message('{} x')).toBe("invalid character 'x' after top-level value");
  });
});

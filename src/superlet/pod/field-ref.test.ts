import { describe, expect, it } from 'vitest';
import { ContainerConfigError } from './config-error.js';
import { formatMap, podFieldValue, splitSubscriptedPath } from './field-ref.js';
import { podWith } from './container-config-fixtures.js';

const pod = podWith({});
const addresses = { podIP: '10.1.0.5', hostIP: '192.168.1.10' };

function value(fieldPath: string, apiVersion?: string): string {
  return podFieldValue({ fieldPath, ...(apiVersion === undefined ? {} : { apiVersion }) }, pod, addresses);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ContainerConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ContainerConfigError');
}

describe('podFieldValue', () => {
  it.each([
    ['metadata.name', 'web'],
    ['metadata.namespace', 'ns'],
    ['metadata.uid', 'uid-1'],
    ["metadata.labels['app']", 'web'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['example.com/note']", 'say "hi"\n'],
    ['spec.nodeName', 'node-1'],
    ['spec.host', 'node-1'],
    ['spec.serviceAccountName', 'sa'],
    ['status.hostIP', '192.168.1.10'],
    ['status.podIP', '10.1.0.5'],
    ['status.podIPs', '10.1.0.5'],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['metadata.annotations', 'example.com/note="say \\"hi\\"\\n"'],
  ])('%s', (path, want) => {
    expect(value(path)).toBe(want);
    expect(value(path, 'v1')).toBe(want);
  });

  it('several addresses: the first is the pod IP, all of them joined by commas', () => {
    const a = { podIP: '10.1.0.5', podIPs: ['10.1.0.5', 'fd00::5'], hostIP: '192.168.1.10', hostIPs: ['192.168.1.10', 'fd00::1'] };
    expect(podFieldValue({ fieldPath: 'status.podIPs' }, pod, a)).toBe('10.1.0.5,fd00::5');
    expect(podFieldValue({ fieldPath: 'status.hostIPs' }, pod, a)).toBe('192.168.1.10,fd00::1');
    expect(podFieldValue({ fieldPath: 'status.podIP' }, pod, a)).toBe('10.1.0.5');
  });

  it('rejects what the kubelet rejects, with its messages', () => {
    expect(errorOf(() => value('metadata.name', 'v2'))).toBe('unsupported pod version: v2');
    expect(errorOf(() => value('spec.containers'))).toBe('field label not supported: spec.containers');
    expect(errorOf(() => value("spec.nodeName['x']"))).toBe("field label does not support subscript: spec.nodeName['x']");
    expect(errorOf(() => value('status.phase'))).toBe('unsupported fieldPath: status.phase');
    expect(errorOf(() => value("metadata.labels['bad key']"))).toMatch(/^invalid key subscript in metadata\.labels\['bad key'\]: name part must consist of/);
  });

  it('a label named like an Object property is empty, not a function', () => {
    expect(value("metadata.labels['constructor']")).toBe('');
  });
});

describe('helpers', () => {
  it('splits subscripted paths as upstream', () => {
    expect(splitSubscriptedPath("metadata.labels['a']")).toEqual(['metadata.labels', 'a']);
    expect(splitSubscriptedPath("metadata.labels['a['b']")).toEqual(['metadata.labels', "a['b"]);
    expect(splitSubscriptedPath("['a']")).toBeUndefined();
    expect(splitSubscriptedPath('metadata.labels')).toBeUndefined();
  });

  it('formats maps sorted with Go quoting', () => {
    expect(formatMap({ b: '2', a: 'tab\there' })).toBe('a="tab\\there"\nb="2"');
    expect(formatMap(undefined)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { cleanPayloadPath, validatePayloadPath } from './payload-path.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload, type Payload } from './payload.js';

function plain(payload: Payload): Record<string, [string, string]> {
  return Object.fromEntries([...payload].map(([p, f]) => [p, [f.data.toString('utf8'), f.mode.toString(8)]]));
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns' }, data: { 'app.conf': 'level=debug', other: 'x' }, binaryData: { blob: b64('\u0000bin') } };
const secret: Secret = { metadata: { name: 's', namespace: 'ns' }, data: { user: b64('admin'), pass: b64('p@ss') } };

describe('payload paths', () => {
  it.each([
    ['a', 'a'],
    ['a/b/c', 'a/b/c'],
    ['a//b/./c/', 'a/b/c'],
  ])('cleans %j', (input, want) => {
    expect(cleanPayloadPath(input)).toBe(want);
  });

  it.each([
    ['', 'invalid path: must not be empty: ""'],
    ['/etc/passwd', 'invalid path: must be relative path: /etc/passwd'],
    ['../escape', "invalid path: must not contain '..': ../escape"],
    ['a/../../escape', "invalid path: must not contain '..': a/../../escape"],
    ['..data', "invalid path: must not start with '..': ..data"],
    ['..2024_01_01/x', "invalid path: must not start with '..': ..2024_01_01/x"],
    ['x'.repeat(256), 'invalid path: filenames must be less than or equal to 255 characters'],
    [('x'.repeat(200) + '/').repeat(21), 'invalid path: must be less than or equal to 4096 characters'],
  ])('rejects %j', (input, message) => {
    expect(() => validatePayloadPath(input)).toThrow(message);
  });

  it('accepts names that merely start with dots inside or are `..`-free', () => {
    expect(() => validatePayloadPath('a/..b')).not.toThrow();
    expect(() => validatePayloadPath('.hidden')).not.toThrow();
    expect(() => validatePayloadPath('..')).toThrow("must not contain '..'");
  });
});

describe('configMapPayload', () => {
  it('every key, binary ones decoded, at the default mode', () => {
    expect(plain(configMapPayload(undefined, cm, DEFAULT_MODE, false))).toEqual({
      'app.conf': ['level=debug', '644'],
      other: ['x', '644'],
      blob: ['\u0000bin', '644'],
    });
    expect(plain(configMapPayload([], cm, 0o400, false))['other']).toEqual(['x', '400']);
  });

  it('only the items, at their paths and modes', () => {
    const payload = configMapPayload(
      [
        { key: 'app.conf', path: 'conf/app.conf', mode: 0o600 },
        { key: 'blob', path: 'bin' },
      ],
      cm,
      0o440,
      false,
    );
    expect(plain(payload)).toEqual({ 'conf/app.conf': ['level=debug', '600'], bin: ['\u0000bin', '440'] });
  });

  it('a missing item key fails unless optional', () => {
    expect(() => configMapPayload([{ key: 'nope', path: 'p' }], cm, DEFAULT_MODE, false)).toThrow('configmap references non-existent config key: nope');
    expect(() => configMapPayload([{ key: 'constructor', path: 'p' }], cm, DEFAULT_MODE, false)).toThrow('non-existent config key: constructor');
    expect(plain(configMapPayload([{ key: 'nope', path: 'p' }, { key: 'other', path: 'o' }], cm, DEFAULT_MODE, true))).toEqual({ o: ['x', '644'] });
  });

  it('an item path that leaves the volume is refused', () => {
    expect(() => configMapPayload([{ key: 'other', path: '../../etc/cron.d/x' }], cm, DEFAULT_MODE, false)).toThrow("must not contain '..'");
    expect(() => configMapPayload([{ key: 'other', path: '/etc/x' }], cm, DEFAULT_MODE, false)).toThrow('must be relative path');
  });
});

describe('secretPayload', () => {
  it('decodes data; items pick and rename', () => {
    expect(plain(secretPayload(undefined, secret, DEFAULT_MODE, false))).toEqual({ user: ['admin', '644'], pass: ['p@ss', '644'] });
    expect(plain(secretPayload([{ key: 'pass', path: 'db/password', mode: 0o400 }], secret, 0o644, false))).toEqual({ 'db/password': ['p@ss', '400'] });
  });

  it('a missing item key fails unless optional', () => {
    expect(() => secretPayload([{ key: 'nope', path: 'p' }], secret, DEFAULT_MODE, false)).toThrow('references non-existent secret key: nope');
    expect(secretPayload([{ key: 'nope', path: 'p' }], secret, DEFAULT_MODE, true).size).toBe(0);
  });
});

describe('downwardAPIPayload', () => {
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', labels: { b: '2', a: '1' } },
    spec: { containers: [{ name: 'main', resources: { limits: { memory: '64Mi' } } }] },
  };
  it('writes fields and resources', () => {
    const payload = downwardAPIPayload(
      [
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' }, mode: 0o600 },
        { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      ],
      pod,
      DEFAULT_MODE,
    );
    expect(plain(payload)).toEqual({ name: ['web', '644'], labels: ['a="1"\nb="2"', '600'], mem: ['64', '644'] });
  });
});

import { describe, expect, it } from 'vitest';
import type { EnvVar } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError } from './config-error.js';
import { isEnvVarName, makeEnvironment, type EnvContext } from './env.js';
import type { PodObjectSource } from './object-source.js';
import { configMap, mainContainer, memorySource, podWith, secret } from './container-config-fixtures.js';

const addresses = { podIP: '10.1.0.5', hostIP: '192.168.1.10' };

function ctx(source: PodObjectSource = memorySource({}), extra: Partial<EnvContext> = {}): EnvContext {
  return { source, ...addresses, ...extra };
}

async function envOf(env: EnvVar[], context = ctx(), more: Parameters<typeof podWith>[0] = {}): Promise<Record<string, string>> {
  const pod = podWith({ env, ...more });
  const result = await makeEnvironment(pod, mainContainer(pod), context);
  return Object.fromEntries(result.env.map((e) => [e.name, e.value]));
}

async function failure(promise: Promise<unknown>): Promise<ContainerConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ContainerConfigError);
  return err as ContainerConfigError;
}

describe('makeEnvironment: values', () => {
  it('keeps declaration order and expands references to earlier variables only', async () => {
    const pod = podWith({
      env: [
        { name: 'A', value: 'a' },
        { name: 'B', value: '$(A)-b' },
        { name: 'C', value: '$(D)-c' },
        { name: 'D', value: 'd' },
        { name: 'E', value: '$$(A) $(A)' },
      ],
    });
    const { env } = await makeEnvironment(pod, mainContainer(pod), ctx());
    expect(env).toEqual([
      { name: 'A', value: 'a' },
      { name: 'B', value: 'a-b' },
      { name: 'C', value: '$(D)-c' },
      { name: 'D', value: 'd' },
      { name: 'E', value: '$(A) a' },
    ]);
  });

  it('a name given twice keeps its first place and its last value', async () => {
    const pod = podWith({ env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }, { name: 'X', value: '$(X)3' }] });
    const { env } = await makeEnvironment(pod, mainContainer(pod), ctx());
    expect(env).toEqual([{ name: 'X', value: '13' }, { name: 'Y', value: '2' }]);
  });

  it('service variables expand in values and come last, never over the container own', async () => {
    const serviceEnv = new Map([['DB_SERVICE_HOST', '10.96.0.9'], ['X', 'svc']]);
    const pod = podWith({ env: [{ name: 'URL', value: 'http://$(DB_SERVICE_HOST)/' }, { name: 'X', value: 'mine' }] });
    const { env } = await makeEnvironment(pod, mainContainer(pod), ctx(memorySource({}), { serviceEnv }));
    expect(env).toEqual([
      { name: 'URL', value: 'http://10.96.0.9/' },
      { name: 'X', value: 'mine' },
      { name: 'DB_SERVICE_HOST', value: '10.96.0.9' },
    ]);
  });

  it('an entry with neither value nor valueFrom is the empty string', async () => {
    expect(await envOf([{ name: 'EMPTY' }])).toEqual({ EMPTY: '' });
  });
});

describe('makeEnvironment: configMapKeyRef and secretKeyRef', () => {
  const source = memorySource({ configMaps: [configMap('cfg', { level: 'debug', constructorless: 'x' })], secrets: [secret('creds', { password: 'p@ss wörd' })] });

  it('reads keys, decoding secrets, and reads each object once', async () => {
    const s = memorySource({ configMaps: [configMap('cfg', { a: '1', b: '2' })], secrets: [secret('creds', { password: 'p@ss wörd' })] });
    const env = await envOf(
      [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'b' } } },
        { name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'Q', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
      ctx(s),
    );
    expect(env).toEqual({ A: '1', B: '2', P: 'p@ss wörd', Q: 'p@ss wörd' });
    expect(s.lookups).toEqual(['configmap ns/cfg', 'secret ns/creds']);
  });

  it('a missing object fails with the kubelet message', async () => {
    expect((await failure(envOf([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a' } } }], ctx(source)))).message).toBe('configmap "nope" not found');
    expect((await failure(envOf([{ name: 'A', valueFrom: { secretKeyRef: { name: 'nope', key: 'a' } } }], ctx(source)))).message).toBe('secret "nope" not found');
  });

  it('a missing key fails with the kubelet message', async () => {
    expect((await failure(envOf([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }], ctx(source)))).message).toBe(
      "couldn't find key k in ConfigMap ns/cfg",
    );
    expect((await failure(envOf([{ name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }], ctx(source)))).message).toBe(
      "couldn't find key k in Secret ns/creds",
    );
  });

  it('a key named like an Object property is still missing', async () => {
    const err = await failure(envOf([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'constructor' } } }], ctx(source)));
    expect(err.message).toBe("couldn't find key constructor in ConfigMap ns/cfg");
  });

  it('optional references that are missing leave the variable out', async () => {
    const env = await envOf(
      [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a', optional: true } } },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey', optional: true } } },
        { name: 'C', valueFrom: { secretKeyRef: { name: 'nope', key: 'a', optional: true } } },
        { name: 'D', valueFrom: { secretKeyRef: { name: 'creds', key: 'nokey', optional: true } } },
        { name: 'E', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level', optional: true } } },
      ],
      ctx(source),
    );
    expect(env).toEqual({ E: 'debug' });
  });

  it('a failing source becomes a config error with its message', async () => {
    const broken = { getConfigMap: () => Promise.reject(new Error('connection refused')), getSecret: () => Promise.resolve(undefined) };
    const err = await failure(envOf([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a', optional: true } } }], ctx(broken)));
    expect(err.message).toBe('connection refused');
  });
});

describe('makeEnvironment: envFrom', () => {
  it('adds every key with its prefix, env entries override, invalid names are skipped with an event', async () => {
    const source = memorySource({
      configMaps: [configMap('cfg', { LEVEL: 'debug', '1bad': 'x', 'dotted.key': 'ok', 'has space': 'no' })],
      secrets: [secret('creds', { USER: 'admin', '2bad': 'y' })],
    });
    const pod = podWith({
      envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' }, prefix: 'S_' }, { secretRef: { name: 'creds' } }],
      env: [{ name: 'LEVEL', value: 'info-$(S_USER)' }],
    });
    const { env, events } = await makeEnvironment(pod, mainContainer(pod), ctx(source));
    expect(env).toEqual([
      { name: 'LEVEL', value: 'info-admin' },
      { name: 'dotted.key', value: 'ok' },
      { name: 'S_USER', value: 'admin' },
      { name: 'S_2bad', value: 'y' },
      { name: 'USER', value: 'admin' },
    ]);
    expect(events).toEqual([
      {
        reason: 'InvalidEnvironmentVariableNames',
        message: 'Keys [1bad, has space] from the EnvFrom configMap ns/cfg were skipped since they are considered invalid environment variable names.',
      },
      {
        reason: 'InvalidEnvironmentVariableNames',
        message: 'Keys [2bad] from the EnvFrom secret ns/creds were skipped since they are considered invalid environment variable names.',
      },
    ]);
  });

  it('missing objects fail unless optional', async () => {
    const pod = podWith({ envFrom: [{ configMapRef: { name: 'gone', optional: true } }, { secretRef: { name: 'gone2', optional: true } }] });
    expect((await makeEnvironment(pod, mainContainer(pod), ctx())).env).toEqual([]);
    const strict = podWith({ envFrom: [{ secretRef: { name: 'gone' } }] });
    expect((await failure(makeEnvironment(strict, mainContainer(strict), ctx()))).message).toBe('secret "gone" not found');
  });

  it('variable names as upstream validates them', () => {
    expect(['A', '_a', 'a.b', '-x', 'X1'].filter((n) => !isEnvVarName(n))).toEqual([]);
    expect(['1a', '', 'a b', 'a=b', 'ä'].filter(isEnvVarName)).toEqual([]);
  });
});

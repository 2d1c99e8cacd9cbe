import { mkdtemp, mkdir, realpath, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { buildContainerConfig, ContainerConfigError, expandCommandAndArgs, type ConfigEvent } from './container-config.js';
import { configMap, mainContainer, memorySource, podWith, secret } from './container-config-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(tmpdir(), 'container-config-')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { podIP: '10.1.0.5', hostIP: '192.168.1.10' };

async function configError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ContainerConfigError);
  return (err as Error).message;
}

describe('buildContainerConfig', () => {
  it('puts a whole container together', async () => {
    const data = path.join(dir, 'data');
    const cfg = path.join(dir, 'cfg');
    await Promise.all([mkdir(data), mkdir(cfg)]);
    const volumes: Volume[] = [
      { name: 'data', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'app' } },
    ];
    const pod = podWith(
      {
        image: 'supernetes.local/busybox:latest',
        command: ['sh', '-c'],
        args: ['echo $(GREETING) $(POD) $$(GREETING) $(UNSET)'],
        workingDir: '/work',
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app', key: 'greeting' } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'tok', key: 't' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        ],
        envFrom: [{ configMapRef: { name: 'app' }, prefix: 'APP_' }],
        resources: { limits: { cpu: '500m', memory: '256Mi' } },
        securityContext: { readOnlyRootFilesystem: true, runAsUser: 1001 },
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'data', mountPath: '/logs', subPath: 'logs/main', readOnly: true },
          { name: 'cfg', mountPath: '/etc/app' },
        ],
        tty: true,
        stdin: true,
      },
      { volumes, securityContext: { runAsUser: 1, runAsGroup: 2000 } },
    );
    const events: ConfigEvent[] = [];
    const config = await buildContainerConfig({
      ...base,
      pod,
      container: mainContainer(pod),
      attempt: 3,
      source: memorySource({ configMaps: [configMap('app', { greeting: 'hello', '9x': 'skip' })], secrets: [secret('tok', { t: 's3cret' })] }),
      volumes: new Map([
        ['data', data],
        ['cfg', cfg],
      ]),
      annotations: { hash: 'abc' },
      onEvent: (e) => events.push(e),
    });
    expect(config).toEqual({
      name: 'main',
      attempt: 3,
      image: 'supernetes.local/busybox:latest',
      command: ['sh', '-c'],
      args: ['echo hello web $(GREETING) $(UNSET)'],
      workingDir: '/work',
      env: [
        { name: 'APP_greeting', value: 'hello' },
        { name: 'APP_9x', value: 'skip' },
        { name: 'POD', value: 'web' },
        { name: 'GREETING', value: 'hello' },
        { name: 'TOKEN', value: 's3cret' },
        { name: 'MEM', value: '256' },
      ],
      mounts: [
        { hostPath: data, containerPath: '/data', readOnly: false },
        { hostPath: path.join(data, 'logs/main'), containerPath: '/logs', readOnly: true },
        { hostPath: cfg, containerPath: '/etc/app', readOnly: true },
      ],
      resources: { memoryLimitBytes: 256 * 1024 * 1024, cpuLimitMillis: 500, cpuRequestMillis: 500 },
      security: { runAsUser: 1001, runAsGroup: 2000, readOnlyRootFilesystem: true },
      tty: true,
      stdin: true,
      stdinOnce: false,
      annotations: { hash: 'abc' },
    });
    expect(events).toEqual([]);
    // The subPath directory was made, with the volume's mode.
    expect((await stat(path.join(data, 'logs/main'))).isDirectory()).toBe(true);
  });

  it('no command, args or working dir leaves the image defaults', async () => {
    const pod = podWith({ command: [], args: [] });
    const config = await buildContainerConfig({ ...base, pod, container: mainContainer(pod), source: memorySource({}), volumes: new Map() });
    expect(config.command).toBeUndefined();
    expect(config.args).toBeUndefined();
    expect(config.workingDir).toBeUndefined();
    expect(config.attempt).toBe(0);
  });

  it('reports invalid envFrom keys through onEvent', async () => {
    const pod = podWith({ envFrom: [{ configMapRef: { name: 'app' } }] });
    const events: ConfigEvent[] = [];
    await buildContainerConfig({
      ...base,
      pod,
      container: mainContainer(pod),
      source: memorySource({ configMaps: [configMap('app', { '1a': 'x' })] }),
      volumes: new Map(),
      onEvent: (e) => events.push(e),
    });
    expect(events.map((e) => e.reason)).toEqual(['InvalidEnvironmentVariableNames']);
  });

  it('a missing config map is a config error with the kubelet message', async () => {
    const pod = podWith({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] });
    expect(await configError(buildContainerConfig({ ...base, pod, container: mainContainer(pod), source: memorySource({}), volumes: new Map() }))).toBe(
      'configmap "x" not found',
    );
  });

  describe('mounts', () => {
    async function mountsOf(volumeMounts: NonNullable<Parameters<typeof podWith>[0]['volumeMounts']>, env: Parameters<typeof podWith>[0]['env'] = []): Promise<unknown> {
      const pod = podWith({ volumeMounts, env }, { volumes: [{ name: 'v', emptyDir: {} }] });
      const config = await buildContainerConfig({ ...base, pod, container: mainContainer(pod), source: memorySource({}), volumes: new Map([['v', dir]]) });
      return config.mounts;
    }

    it('subPathExpr expands the environment', async () => {
      expect(await mountsOf([{ name: 'v', mountPath: '/x', subPathExpr: 'pods/$(POD)' }], [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }])).toEqual([
        { hostPath: path.join(dir, 'pods/web'), containerPath: '/x', readOnly: false },
      ]);
      expect(await configError(mountsOf([{ name: 'v', mountPath: '/x', subPathExpr: '$(NOPE)/$(ALSO)' }]))).toBe('missing value for ALSO, NOPE');
    });

    it('rejects absolute and escaping subPaths', async () => {
      expect(await configError(mountsOf([{ name: 'v', mountPath: '/x', subPath: '/etc' }]))).toBe('error SubPath `/etc` must not be an absolute path');
      expect(await configError(mountsOf([{ name: 'v', mountPath: '/x', subPath: 'a/../../etc' }]))).toBe("unable to provision SubPath `a/../../etc`: must not contain '..'");
    });

    it('rejects a subPath that a symlink leads out of the volume', async () => {
      await symlink('/etc', path.join(dir, 'escape'));
      expect(await configError(mountsOf([{ name: 'v', mountPath: '/x', subPath: 'escape' }]))).toMatch(/^subpath "\/etc" not within volume path /);
    });

    it('a mount of a volume that was not prepared', async () => {
      expect(await configError(mountsOf([{ name: 'other', mountPath: '/x' }]))).toBe('cannot find volume "other" to mount into container "main"');
    });
  });
});

describe('expandCommandAndArgs', () => {
  it('expands against the given env only', () => {
    const pod = podWith({ command: ['$(A)', '$(B)'], args: ['$$(A)', '$(A)$(A)'] });
    expect(expandCommandAndArgs(mainContainer(pod), [{ name: 'A', value: 'x' }])).toEqual({ command: ['x', '$(B)'], args: ['$(A)', 'xx'] });
  });
});

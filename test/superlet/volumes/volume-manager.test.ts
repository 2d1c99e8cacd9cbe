// VolumeManager on a real temporary directory: layout, modes, atomic refresh, hostPath checks,
// failures worded as the kubelet's FailedMount events, and cleanup.
import { createServer, type Server } from 'node:net';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import type { PodObjectSource } from '../../../src/superlet/pod/object-source.js';
import { VolumeManager, VolumeSetupError } from '../../../src/superlet/volumes/volume-manager.js';

let root: string;
let host: string;
beforeEach(async () => {
  const base = await realpath(await mkdtemp(path.join(tmpdir(), 'volumes-')));
  root = path.join(base, 'root');
  host = path.join(base, 'host');
  await mkdir(host);
});
afterEach(async () => {
  await rm(path.dirname(root), { recursive: true, force: true });
});

class MutableSource implements PodObjectSource {
  readonly configMaps = new Map<string, ConfigMap>();
  readonly secrets = new Map<string, Secret>();
  getConfigMap(ns: string, name: string): Promise<ConfigMap | undefined> {
    return Promise.resolve(this.configMaps.get(`${ns}/${name}`));
  }
  getSecret(ns: string, name: string): Promise<Secret | undefined> {
    return Promise.resolve(this.secrets.get(`${ns}/${name}`));
  }
  setConfigMap(name: string, data: Record<string, string>): void {
    this.configMaps.set(`ns/${name}`, { metadata: { name, namespace: 'ns' }, data });
  }
  setSecret(name: string, plain: Record<string, string>): void {
    const data = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    this.secrets.set(`ns/${name}`, { metadata: { name, namespace: 'ns' }, data });
  }
}

function pod(volumes: Volume[], uid = 'uid-1'): Pod {
  return { metadata: { name: 'web', namespace: 'ns', uid, labels: { app: 'web' } }, spec: { containers: [{ name: 'main' }], volumes } };
}

async function failure(promise: Promise<unknown>): Promise<VolumeSetupError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VolumeSetupError);
  return err as VolumeSetupError;
}

const mode = async (p: string): Promise<string> => ((await stat(p)).mode & 0o7777).toString(8);

describe('VolumeManager', () => {
  it('emptyDir: a world-writable directory under the pod, kept across prepares', async () => {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    const volumes = await vm.prepare(pod([{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }]));
    const scratch = path.join(root, 'pods/uid-1/volumes/empty-dir/scratch');
    expect(volumes).toEqual(new Map([['scratch', scratch], ['mem', path.join(root, 'pods/uid-1/volumes/empty-dir/mem')]]));
    expect(await mode(scratch)).toBe('777');
    await writeFile(path.join(scratch, 'kept'), 'x');
    await vm.prepare(pod([{ name: 'scratch', emptyDir: {} }]));
    expect(await readFile(path.join(scratch, 'kept'), 'utf8')).toBe('x');
  });

  it('configMap: a file per key through ..data, refreshed atomically, stale keys removed', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { 'app.conf': 'v1', old: 'gone soon' });
    const vm = new VolumeManager({ rootDir: root, source });
    const p = pod([{ name: 'config', configMap: { name: 'cfg' } }]);
    const dir = (await vm.prepare(p)).get('config') ?? '';
    expect(dir).toBe(path.join(root, 'pods/uid-1/volumes/configmap/config'));
    expect(await readFile(path.join(dir, 'app.conf'), 'utf8')).toBe('v1');
    expect(await readlink(path.join(dir, 'app.conf'))).toBe('..data/app.conf');
    expect(await mode(path.join(dir, 'app.conf'))).toBe('644');
    const firstData = await readlink(path.join(dir, '..data'));
    expect(firstData).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);

    // Unchanged: nothing is rewritten.
    await vm.prepare(p);
    expect(await readlink(path.join(dir, '..data'))).toBe(firstData);

    source.setConfigMap('cfg', { 'app.conf': 'v2', added: 'new' });
    await vm.prepare(p);
    expect(await readFile(path.join(dir, 'app.conf'), 'utf8')).toBe('v2');
    expect(await readFile(path.join(dir, 'added'), 'utf8')).toBe('new');
    expect(await readlink(path.join(dir, '..data'))).not.toBe(firstData);
    expect((await readdir(dir)).sort()).toEqual(['..data', await readlink(path.join(dir, '..data')), 'added', 'app.conf'].sort());
  });

  it('configMap items with nested paths and modes, defaultMode for the rest', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'A', b: 'B', c: 'C' });
    const vm = new VolumeManager({ rootDir: root, source });
    const dir =
      (
        await vm.prepare(
          pod([{ name: 'v', configMap: { name: 'cfg', defaultMode: 0o440, items: [{ key: 'a', path: 'conf/a.txt', mode: 0o600 }, { key: 'b', path: 'b.txt' }] } }]),
        )
      ).get('v') ?? '';
    expect((await readdir(dir)).filter((e) => !e.startsWith('..')).sort()).toEqual(['b.txt', 'conf']);
    expect(await readFile(path.join(dir, 'conf/a.txt'), 'utf8')).toBe('A');
    expect(await mode(path.join(dir, 'conf/a.txt'))).toBe('600');
    expect(await mode(path.join(dir, 'b.txt'))).toBe('440');
    expect((await lstat(path.join(dir, 'conf'))).isSymbolicLink()).toBe(true);
  });

  it('a mode change alone is written', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'A' });
    const vm = new VolumeManager({ rootDir: root, source });
    const dir = (await vm.prepare(pod([{ name: 'v', configMap: { name: 'cfg' } }]))).get('v') ?? '';
    await vm.prepare(pod([{ name: 'v', configMap: { name: 'cfg', defaultMode: 0o400 } }]));
    expect(await mode(path.join(dir, 'a'))).toBe('400');
  });

  it('secret: decoded data', async () => {
    const source = new MutableSource();
    source.setSecret('creds', { password: 's3cret' });
    const vm = new VolumeManager({ rootDir: root, source });
    const dir = (await vm.prepare(pod([{ name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } }]))).get('creds') ?? '';
    expect(dir).toBe(path.join(root, 'pods/uid-1/volumes/secret/creds'));
    expect(await readFile(path.join(dir, 'password'), 'utf8')).toBe('s3cret');
    expect(await mode(path.join(dir, 'password'))).toBe('400');
  });

  it('missing objects: FailedMount with the kubelet wording, unless optional (an empty volume)', async () => {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    expect((await failure(vm.prepare(pod([{ name: 'config-volume', configMap: { name: 'missing' } }])))).message).toBe(
      'MountVolume.SetUp failed for volume "config-volume" : configmap "missing" not found',
    );
    expect((await failure(vm.prepare(pod([{ name: 's', secret: { secretName: 'missing' } }])))).message).toBe(
      'MountVolume.SetUp failed for volume "s" : secret "missing" not found',
    );
    const volumes = await vm.prepare(pod([{ name: 'c', configMap: { name: 'missing', optional: true } }, { name: 's', secret: { secretName: 'missing', optional: true } }]));
    for (const dir of volumes.values()) expect((await readdir(dir)).filter((e) => !e.startsWith('..'))).toEqual([]);
  });

  it('one failing volume does not keep the others from being set up', async () => {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    const err = await failure(vm.prepare(pod([{ name: 'bad', configMap: { name: 'missing' } }, { name: 'scratch', emptyDir: {} }])));
    expect(err.volumeName).toBe('bad');
    expect((await stat(path.join(root, 'pods/uid-1/volumes/empty-dir/scratch'))).isDirectory()).toBe(true);
  });

  it('item paths that would leave the volume are refused and nothing is written outside', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'pwned' });
    const vm = new VolumeManager({ rootDir: root, source });
    const err = await failure(vm.prepare(pod([{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'a', path: '../../../../escape' }] } }])));
    expect(err.message).toBe('MountVolume.SetUp failed for volume "v" : invalid path: must not contain \'..\': ../../../../escape');
    await expect(stat(path.join(root, 'pods/escape'))).rejects.toThrow();
    await expect(stat(path.join(root, 'escape'))).rejects.toThrow();
  });

  it('volume names and uids cannot walk out of rootDir', async () => {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    expect((await failure(vm.prepare(pod([{ name: '..', emptyDir: {} }])))).message).toContain('invalid volume name');
    expect((await failure(vm.prepare(pod([{ name: 'x', emptyDir: {} }], '../..')))).message).toContain('invalid pod uid');
    await expect(vm.cleanup('..')).rejects.toThrow('invalid pod uid');
  });

  it('downwardAPI and projected volumes', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'A' });
    source.setSecret('s', { b: 'B' });
    const vm = new VolumeManager({ rootDir: root, source });
    const volumes = await vm.prepare(
      pod([
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        {
          name: 'all',
          projected: {
            defaultMode: 0o440,
            sources: [
              { configMap: { name: 'cfg' } },
              { secret: { name: 's', items: [{ key: 'b', path: 'sub/b' }] } },
              { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
            ],
          },
        },
      ]),
    );
    expect(await readFile(path.join(volumes.get('info') ?? '', 'labels'), 'utf8')).toBe('app="web"');
    const all = volumes.get('all') ?? '';
    expect(await readFile(path.join(all, 'a'), 'utf8')).toBe('A');
    expect(await readFile(path.join(all, 'sub/b'), 'utf8')).toBe('B');
    expect(await readFile(path.join(all, 'name'), 'utf8')).toBe('web');
    expect(await mode(path.join(all, 'a'))).toBe('440');
  });

  it('a volume type it cannot set up is a FailedMount', async () => {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    expect((await failure(vm.prepare(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }])))).message).toBe(
      'MountVolume.SetUp failed for volume "data" : volume type persistentVolumeClaim is not supported by this superlet',
    );
  });

  it('cleanup removes the pod directory but never a hostPath', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'A' });
    const vm = new VolumeManager({ rootDir: root, source });
    await writeFile(path.join(host, 'keep'), 'x');
    await vm.prepare(pod([{ name: 'e', emptyDir: {} }, { name: 'c', configMap: { name: 'cfg' } }, { name: 'h', hostPath: { path: host } }]));
    await vm.cleanup('uid-1');
    await expect(stat(path.join(root, 'pods/uid-1'))).rejects.toThrow();
    expect(await readFile(path.join(host, 'keep'), 'utf8')).toBe('x');
    await vm.cleanup('uid-1');
  });

  it('concurrent prepares of one pod do not trip over each other', async () => {
    const source = new MutableSource();
    source.setConfigMap('cfg', { a: 'A' });
    const vm = new VolumeManager({ rootDir: root, source });
    const p = pod([{ name: 'c', configMap: { name: 'cfg' } }]);
    await Promise.all([vm.prepare(p), vm.prepare(p), vm.prepare(p)]);
    expect(await readFile(path.join(root, 'pods/uid-1/volumes/configmap/c/a'), 'utf8')).toBe('A');
  });
});

describe('hostPath', () => {
  async function setUp(volume: Volume['hostPath']): Promise<string> {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    return (await vm.prepare(pod([{ name: 'h', hostPath: volume ?? { path: '' } }]))).get('h') ?? '';
  }
  async function setUpError(volume: Volume['hostPath']): Promise<string> {
    const vm = new VolumeManager({ rootDir: root, source: new MutableSource() });
    return (await failure(vm.prepare(pod([{ name: 'h', hostPath: volume ?? { path: '' } }])))).message;
  }
  const prefix = 'MountVolume.SetUp failed for volume "h" : ';

  it('no type: no check at all', async () => {
    expect(await setUp({ path: path.join(host, 'nothing-here') })).toBe(path.join(host, 'nothing-here'));
  });

  it('DirectoryOrCreate creates, Directory requires', async () => {
    const dir = path.join(host, 'a/b');
    expect(await setUpError({ path: dir, type: 'Directory' })).toBe(`${prefix}hostPath ${dir} doesn't exist`);
    expect(await setUp({ path: dir, type: 'DirectoryOrCreate' })).toBe(dir);
    expect(await mode(dir)).toMatch(/^7[0-7][0-7]$/);
    expect(await setUp({ path: dir, type: 'Directory' })).toBe(dir);
    await writeFile(path.join(host, 'f'), '');
    expect(await setUpError({ path: path.join(host, 'f'), type: 'Directory' })).toBe(`${prefix}hostPath type check failed: ${host}/f is not a directory, it's a File`);
    expect(await setUpError({ path: path.join(host, 'f'), type: 'DirectoryOrCreate' })).toBe(
      `${prefix}hostPath type check failed: ${host}/f is not a directory, it's a File`,
    );
  });

  it('FileOrCreate creates (not its parent), File requires', async () => {
    const file = path.join(host, 'new.txt');
    expect(await setUpError({ path: file, type: 'File' })).toBe(`${prefix}hostPath ${file} doesn't exist`);
    expect(await setUp({ path: file, type: 'FileOrCreate' })).toBe(file);
    expect((await stat(file)).isFile()).toBe(true);
    expect(await setUp({ path: file, type: 'File' })).toBe(file);
    expect(await setUpError({ path: host, type: 'File' })).toBe(`${prefix}hostPath type check failed: ${host} is not a file, it's a Directory`);
    expect(await setUpError({ path: path.join(host, 'no/parent.txt'), type: 'FileOrCreate' })).toBe(
      `${prefix}open ${host}/no/parent.txt: no such file or directory`,
    );
  });

  it('Socket, CharDevice, BlockDevice', async () => {
    const sock = path.join(host, 's.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(await setUp({ path: sock, type: 'Socket' })).toBe(sock);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await setUpError({ path: host, type: 'Socket' })).toBe(`${prefix}hostPath type check failed: ${host} is not a socket file, it's a Directory`);
    expect(await setUp({ path: '/dev/null', type: 'CharDevice' })).toBe('/dev/null');
    expect(await setUpError({ path: '/dev/null', type: 'BlockDevice' })).toBe(`${prefix}hostPath type check failed: /dev/null is not a block device, it's a CharDevice`);
  });

  it('bad types and back-steps', async () => {
    expect(await setUpError({ path: host, type: 'Whatever' })).toBe(`${prefix}Whatever is an invalid volume type`);
    expect(await setUpError({ path: `${host}/../x`, type: 'Directory' })).toBe(`${prefix}invalid HostPath \`${host}/../x\`: must not contain '..'`);
  });
});

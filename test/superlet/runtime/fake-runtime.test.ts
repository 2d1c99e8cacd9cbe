// The shared runtime suite on the fake runtime, then what only the fake does: scripted lives,
// fake pod IPs, many simulated nodes in one process.
import { describe, expect, it } from 'vitest';
import { FakeRuntime } from '../../../src/superlet/runtime/fake/fake-runtime.js';
import { ImagePullError } from '../../../src/superlet/runtime/runtime.js';
import { waitFor } from '../../support/wait.js';
import { containerConfig, podRef, readAll, recordEvents, sandboxConfig } from './fixtures.js';
import { describeRuntime } from './runtime-suite.js';

const IMAGE = 'supernetes.local/busybox:latest';
const MISSING_IMAGE = 'supernetes.local/does-not-exist:1.0';

describeRuntime('Fake', {
  create: () =>
    new FakeRuntime({
      images: [IMAGE],
      pullError: (image) => (image === MISSING_IMAGE ? 'manifest unknown' : undefined),
    }),
  image: IMAGE,
  missingImage: MISSING_IMAGE,
  cleanup: () => Promise.resolve(),
});

describe('FakeRuntime scripting', () => {
  const fixture = () => new FakeRuntime({ images: [IMAGE] });
  const env = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));

  async function startOne(runtime: FakeRuntime, config = containerConfig(IMAGE), node = 'n1') {
    const pod = podRef(node);
    const sandbox = await runtime.runSandbox(sandboxConfig(pod));
    const id = await runtime.createContainer(sandbox.id, pod, config);
    await runtime.startContainer(id);
    return { pod, sandbox, id };
  }

  it('keeps a container running until stopped when nothing says otherwise', async () => {
    const runtime = fixture();
    const { id } = await startOne(runtime);
    expect((await runtime.containerStatus(id))?.state).toBe('running');
    await runtime.stopContainer(id, 30);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 143, reason: 'Error' });
    expect(await readAll(await runtime.logs(id, { follow: false, timestamps: false }))).toBe('fake container app of pod default/pod started\n');
  });

  it('exits after FAKE_EXIT_AFTER_MS with FAKE_EXIT_CODE, and as OOMKilled with FAKE_OOM_KILLED', async () => {
    const runtime = fixture();
    const { id } = await startOne(runtime, containerConfig(IMAGE, { env: env({ FAKE_EXIT_AFTER_MS: '100', FAKE_EXIT_CODE: '5' }) }));
    expect((await runtime.containerStatus(id))?.state).toBe('running');
    const status = await waitFor(async () => {
      const s = await runtime.containerStatus(id);
      return s?.state === 'exited' ? s : undefined;
    }, { what: 'the scripted exit' });
    expect(status).toMatchObject({ exitCode: 5, reason: 'Error' });
    expect((status.finishedAt?.getTime() ?? 0) - (status.startedAt?.getTime() ?? 0)).toBeGreaterThanOrEqual(90);

    const recorder = recordEvents(runtime, 'n2');
    const oom = await startOne(runtime, containerConfig(IMAGE, { env: env({ FAKE_OOM_KILLED: 'true' }) }), 'n2');
    await waitFor(async () => (await runtime.containerStatus(oom.id))?.state === 'exited', { what: 'the OOM kill' });
    expect(await runtime.containerStatus(oom.id)).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    await waitFor(() => recorder.events.some((e) => e.type === 'died'), { what: 'the died event' });
    await recorder.stop();
    expect(recorder.events.filter((e) => e.containerId === oom.id).map((e) => e.type)).toEqual(['started', 'oom', 'died']);
  });

  it("lets a test's script and exec script decide instead of the env", async () => {
    const runtime = new FakeRuntime({
      images: [IMAGE],
      script: (_pod, config) => (config.name === 'job' ? { exitAfterMs: 0, exitCode: 0, logs: 'all done\n' } : undefined),
      execScript: (_target, command) => (command[0] === 'echo' ? { exitCode: 0, stdout: `${command.slice(1).join(' ')}\n` } : undefined),
    });
    const job = await startOne(runtime, containerConfig(IMAGE, { name: 'job', env: env({ FAKE_EXIT_CODE: '9' }) }));
    await waitFor(async () => (await runtime.containerStatus(job.id))?.state === 'exited', { what: 'the job to finish' });
    expect(await runtime.containerStatus(job.id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await readAll(await runtime.logs(job.id, { follow: false, timestamps: false }))).toBe('all done\n');

    const server = await startOne(runtime, containerConfig(IMAGE, { name: 'server', env: env({ FAKE_EXEC_EXIT_CODE: '3' }) }));
    expect(await runtime.execSync(server.id, ['echo', 'a', 'b'], 1000)).toEqual({ exitCode: 0, stdout: 'a b\n', stderr: '', timedOut: false });
    // Where the exec script has no answer, the env decides.
    expect((await runtime.execSync(server.id, ['cat'], 1000)).exitCode).toBe(3);
  });

  it('hands out pod IPs from 10.244.0.0/16 without repeats, and reuses released ones', async () => {
    const runtime = fixture();
    const ips = new Set<string>();
    const sandboxes = [];
    for (let i = 0; i < 300; i++) {
      const sandbox = await runtime.runSandbox(sandboxConfig(podRef(`node-${i % 7}`)));
      expect(sandbox.ip).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(sandbox.ip).not.toMatch(/\.(0|255)$/);
      ips.add(sandbox.ip);
      sandboxes.push(sandbox);
    }
    expect(ips.size).toBe(300);
    const first = sandboxes[0];
    if (first === undefined) throw new Error('no sandbox');
    await runtime.removeSandbox(first.id);
    expect((await runtime.runSandbox(sandboxConfig(podRef('node-0')))).ip).toBe(first.ip);
    const hostNetwork = await runtime.runSandbox(sandboxConfig(podRef('node-0'), { hostNetwork: true }));
    expect(hostNetwork.ip).toBe('');
    await expect(new FakeRuntime({ podCIDR: '10.244.7.0/24' }).runSandbox(sandboxConfig(podRef('x')))).resolves.toMatchObject({ ip: '10.244.7.1' });
  });

  it('simulates many nodes in one process, each listing only its own pods', async () => {
    const runtime = fixture();
    for (let node = 0; node < 200; node++) {
      for (let p = 0; p < 5; p++) await startOne(runtime, containerConfig(IMAGE), `hollow-${node}`);
    }
    const mine = await runtime.listContainers({ nodeName: 'hollow-42' });
    expect(mine).toHaveLength(5);
    expect(mine.every((c) => c.pod.nodeName === 'hollow-42' && c.state === 'running')).toBe(true);
    expect(await runtime.listSandboxes({ nodeName: 'hollow-199' })).toHaveLength(5);
    expect(await runtime.listSandboxes({ nodeName: 'hollow-200' })).toEqual([]);
  });

  it('needs an image pulled before a container can use it, and fails pulls as told', async () => {
    const runtime = new FakeRuntime({ pullError: (image) => (image.includes('private') ? 'unauthorized' : undefined) });
    const pod = podRef('n1');
    const sandbox = await runtime.runSandbox(sandboxConfig(pod));
    expect(await runtime.imageStatus('busybox')).toBeUndefined();
    await expect(runtime.createContainer(sandbox.id, pod, containerConfig('busybox'))).rejects.toThrow(/no such image/);
    const pulled = await runtime.pullImage('busybox');
    expect(pulled.repoTags).toEqual(['busybox:latest']);
    expect((await runtime.imageStatus('busybox:latest'))?.id).toBe(pulled.id);
    await expect(runtime.pullImage('example.com/private/app:1')).rejects.toBeInstanceOf(ImagePullError);
  });

  it('hands back copies, so callers cannot change its state', async () => {
    const runtime = fixture();
    const { id, sandbox } = await startOne(runtime);
    const status = await runtime.containerStatus(id);
    if (status === undefined) throw new Error('no status');
    status.state = 'exited';
    status.pod.name = 'changed';
    sandbox.annotations['x'] = 'y';
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'running', pod: { name: 'pod' } });
    expect((await runtime.listSandboxes({ nodeName: 'n1' }))[0]?.annotations).toEqual({});
  });
});

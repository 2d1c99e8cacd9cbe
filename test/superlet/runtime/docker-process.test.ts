// Docker-only behaviour of processes: OOM kills, SIGTERM within the grace period and SIGKILL
// after it, resources and security as Docker settings, mounts, the sandbox image built from
// busybox, and state found again by a new runtime instance through the labels.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/docker-runtime.js';
import { LABEL } from '../../../src/superlet/runtime/docker/labels.js';
import { ImagePullError } from '../../../src/superlet/runtime/runtime.js';
import { waitFor } from '../../support/wait.js';
import { BUSYBOX, DockerHarness, MISSING_IMAGE } from './docker-fixture.js';
import { containerConfig, podRef, readAll, recordEvents, sandboxConfig, SLOW_MS, SLOW_TEST } from './fixtures.js';

const harness = new DockerHarness('proc');
const runtime = new DockerRuntime({ docker: harness.docker });

// Each test (not only the file) fails when Docker is missing: never reported as skipped.
beforeEach(() => harness.ready(), SLOW_MS);
afterAll(() => harness.cleanup(), SLOW_TEST.timeout);

async function startPod(command: string[], overrides: Parameters<typeof containerConfig>[1] = {}) {
  const pod = podRef(harness.node());
  const sandbox = await runtime.runSandbox(sandboxConfig(pod));
  const id = await runtime.createContainer(sandbox.id, pod, containerConfig(BUSYBOX, { command, ...overrides }));
  return { pod, sandbox, id };
}

const exited = (id: string) =>
  waitFor(async () => {
    const status = await runtime.containerStatus(id);
    return status?.state === 'exited' ? status : undefined;
  }, { what: `container ${id} to exit`, timeoutMs: SLOW_MS });

const logsOf = async (id: string): Promise<string> => readAll(await runtime.logs(id, { follow: false, timestamps: false }));

describe('DockerRuntime processes', SLOW_TEST, () => {
  it('reports a container killed for memory as OOMKilled, with an oom event', async () => {
    const pod = podRef(harness.node());
    const recorder = recordEvents(runtime, pod.nodeName);
    const sandbox = await runtime.runSandbox(sandboxConfig(pod));
    const id = await runtime.createContainer(
      sandbox.id,
      pod,
      containerConfig(BUSYBOX, {
        command: ['sh', '-c', 'head -c 200m /dev/zero | tail'],
        resources: { memoryLimitBytes: 16 * 1024 * 1024, cpuLimitMillis: 0, cpuRequestMillis: 0 },
      }),
    );
    await runtime.startContainer(id);
    const status = await exited(id);
    expect(status).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    await waitFor(() => recorder.events.some((e) => e.containerId === id && e.type === 'oom'), { what: 'the oom event', timeoutMs: SLOW_MS });
    await recorder.stop();
  });

  it('lets a container that handles SIGTERM finish within the grace period', async () => {
    const { id } = await startPod(['sh', '-c', "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 1 & wait $!; done"]);
    await runtime.startContainer(id);
    await waitFor(async () => (await logsOf(id)).includes('ready'), { what: 'the trap to be set', timeoutMs: SLOW_MS });
    const started = Date.now();
    await runtime.stopContainer(id, 120);
    // Exit code 0 (not 137) says the trap ran; well inside the grace period says Docker did not wait it out.
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    expect(Date.now() - started).toBeLessThan(100_000);
    expect(await logsOf(id)).toBe('ready\ngot-term\n');
  });

  it('SIGKILLs a container that ignores SIGTERM once the grace period is over', async () => {
    const { id } = await startPod(['sh', '-c', "trap '' TERM; echo ready; while :; do sleep 1 & wait $!; done"]);
    await runtime.startContainer(id);
    await waitFor(async () => (await logsOf(id)).includes('ready'), { what: 'the trap to be set', timeoutMs: SLOW_MS });
    const started = Date.now();
    await runtime.stopContainer(id, 2);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(SLOW_MS);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
  });

  it('turns resources, security, env, mounts and the command into Docker settings that hold', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runtime-mount-'));
    await writeFile(join(dir, 'hello.txt'), 'hello from the host\n');
    await chmod(dir, 0o755);
    await chmod(join(dir, 'hello.txt'), 0o644);
    try {
      const script = [
        'cat /data/hello.txt',
        'id -u; id -g',
        'pwd',
        'echo "$GREETING"',
        'touch /data/new 2>/dev/null && echo mount-writable',
        'touch /rootfs-file 2>/dev/null && echo rootfs-writable',
        'echo done',
      ].join('; ');
      const { sandbox, id } = await startPod(['sh', '-c'], {
        args: [script],
        workingDir: '/tmp',
        env: [{ name: 'GREETING', value: 'hi there' }],
        mounts: [{ hostPath: dir, containerPath: '/data', readOnly: true }],
        resources: { memoryLimitBytes: 64 * 1024 * 1024, cpuLimitMillis: 500, cpuRequestMillis: 250 },
        security: { runAsUser: 1000, runAsGroup: 1001, readOnlyRootFilesystem: true },
      });
      const info = await harness.docker.getContainer(id).inspect();
      expect(info.HostConfig).toMatchObject({
        NetworkMode: `container:${sandbox.id}`,
        IpcMode: `container:${sandbox.id}`,
        Memory: 64 * 1024 * 1024,
        CpuShares: 256,
        CpuQuota: 50_000,
        CpuPeriod: 100_000,
        ReadonlyRootfs: true,
        Privileged: false,
        Binds: [`${dir}:/data:ro`],
      });
      expect(info.Config.User).toBe('1000:1001');
      expect(info.Config.Entrypoint).toEqual(['sh', '-c']);
      expect(info.Config.Cmd).toEqual([script]);
      expect(info.Config.Labels).toMatchObject({ [LABEL.kind]: 'container', [LABEL.sandbox]: sandbox.id, [LABEL.containerName]: 'app' });

      await runtime.startContainer(id);
      expect(await exited(id)).toMatchObject({ exitCode: 0 });
      expect(await logsOf(id)).toBe('hello from the host\n1000\n1001\n/tmp\nhi there\ndone\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives a container without a CPU request the minimum shares and no quota', async () => {
    const { id } = await startPod(['true']);
    const info = await harness.docker.getContainer(id).inspect();
    expect(info.HostConfig.CpuShares).toBe(2);
    expect(info.HostConfig.CpuQuota ?? 0).toBe(0);
    expect(info.HostConfig.Memory ?? 0).toBe(0);
  });

  it('builds its sandbox image from busybox when it is missing, and the pause process exits on SIGTERM', async () => {
    const image = `supernetes.local/pause-test-${Math.random().toString(36).slice(2, 8)}:latest`;
    const fresh = new DockerRuntime({ docker: harness.docker, sandboxImage: image });
    try {
      const pod = podRef(harness.node());
      const sandbox = await fresh.runSandbox(sandboxConfig(pod));
      expect(sandbox.state).toBe('ready');
      expect((await harness.docker.getImage(image).inspect()).Id).toMatch(/^sha256:/);
      await fresh.stopSandbox(sandbox.id);
      const state = (await harness.docker.getContainer(sandbox.id).inspect()).State;
      // 0, not 137: the pause loop's trap ended it, Docker did not have to kill it.
      expect(state.ExitCode).toBe(0);
      await fresh.removeSandbox(sandbox.id);
    } finally {
      await harness.cleanup();
      await harness.docker.getImage(image).remove({ force: true }).catch(() => undefined);
    }
  });

  it('lets a new runtime instance find what an earlier one made, through the labels', async () => {
    const pod = podRef(harness.node(), 'adopted');
    const sandbox = await runtime.runSandbox(sandboxConfig(pod, { annotations: { 'supernetes.io/config-hash': 'h1' } }));
    const id = await runtime.createContainer(
      sandbox.id,
      pod,
      containerConfig(BUSYBOX, { name: 'web', attempt: 3, command: ['sleep', '3600'], annotations: { 'supernetes.io/hash': 'h2' } }),
    );
    await runtime.startContainer(id);

    const restarted = new DockerRuntime({ docker: new Dockerode() });
    const [foundSandbox] = await restarted.listSandboxes({ nodeName: pod.nodeName });
    expect(foundSandbox).toMatchObject({ id: sandbox.id, pod, state: 'ready', ip: sandbox.ip, annotations: { 'supernetes.io/config-hash': 'h1' } });
    const [found] = await restarted.listContainers({ nodeName: pod.nodeName });
    expect(found).toMatchObject({ id, pod, sandboxId: sandbox.id, name: 'web', attempt: 3, state: 'running', image: BUSYBOX });
    expect(found?.annotations).toEqual({ 'supernetes.io/hash': 'h2' });
  });

  it('fails a pull from an unreachable registry quickly with ImagePullError', async () => {
    const started = Date.now();
    await expect(runtime.pullImage(MISSING_IMAGE)).rejects.toBeInstanceOf(ImagePullError);
    // Well inside the 30 s pull timeout: an unreachable registry fails at once.
    expect(Date.now() - started).toBeLessThan(25_000);
    const bounded = new DockerRuntime({ docker: harness.docker, pullTimeoutMs: 1 });
    await expect(bounded.pullImage(MISSING_IMAGE)).rejects.toBeInstanceOf(ImagePullError);
  });
});

// The shared runtime suite: the Runtime interface's behaviour, run unchanged on Docker and on the
// fake runtime. Each test works on its own node name, so tests never see each other's objects
// and the Docker run can remove everything by label afterwards.
//
// Usage, in a *.test.ts file:
//   describeRuntime('FakeRuntime', { create: () => new FakeRuntime({...}), image, missingImage, cleanup });
import { randomBytes } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ImagePullError, RuntimeNotFoundError, type Runtime } from '../../../src/superlet/runtime/runtime.js';
import { waitFor } from '../../support/wait.js';
import { containerConfig, exitingConfig, podRef, readAll, recordEvents, runningConfig, sandboxConfig, SLOW_MS, SLOW_TEST } from './fixtures.js';

export interface RuntimeFactory {
  /** One runtime, shared by the whole suite. */
  create(): Runtime;
  /** An image the runtime has. */
  image: string;
  /** An image no pull can get. */
  missingImage: string;
  /** Fails (so every test fails) when the runtime's backend is not there; called once. */
  ready?(): Promise<void>;
  /** Removes whatever the suite left on these nodes. */
  cleanup(nodeNames: string[]): Promise<void>;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RFC3339_NANO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z /;

export function describeRuntime(name: string, factory: RuntimeFactory): void {
  describe(`${name} behaves as a Runtime`, SLOW_TEST, () => {
    const runtime = factory.create();
    const nodes: string[] = [];
    const run = randomBytes(3).toString('hex');
    const newNode = (): string => {
      const node = `rt-${name.toLowerCase()}-${run}-${nodes.length}`;
      nodes.push(node);
      return node;
    };
    const { image } = factory;
    // Checked before each test, so each one fails (none is reported skipped) without the backend.
    let readiness: Promise<void> | undefined;
    beforeEach(() => (readiness ??= factory.ready?.() ?? Promise.resolve()), SLOW_MS);
    afterAll(() => factory.cleanup(nodes), SLOW_TEST.timeout);

    const exited = (id: string) =>
      waitFor(async () => {
        const status = await runtime.containerStatus(id);
        return status?.state === 'exited' ? status : undefined;
      }, { what: `container ${id} to exit`, timeoutMs: SLOW_MS });

    it('reports its version and the machine', async () => {
      const version = await runtime.version();
      expect(version.runtimeName).not.toBe('');
      expect(version.runtimeVersion).not.toBe('');
      const machine = await runtime.machineInfo();
      expect(machine.cpuCores).toBeGreaterThan(0);
      expect(machine.memoryBytes).toBeGreaterThan(0);
      expect(machine.os).toBe('linux');
      expect(machine.architecture).not.toBe('');
    });

    it('knows which images it has, and fails a pull it cannot make with ImagePullError', async () => {
      const present = await runtime.imageStatus(image);
      expect(present?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await runtime.imageStatus(factory.missingImage)).toBeUndefined();
      const pull = runtime.pullImage(factory.missingImage);
      await expect(pull).rejects.toBeInstanceOf(ImagePullError);
      await expect(pull).rejects.toMatchObject({ image: factory.missingImage, code: 'ImagePull' });
    });

    it('runs a sandbox with an address and finds it again by node and pod', async () => {
      const node = newNode();
      const pod = podRef(node, 'web');
      const sandbox = await runtime.runSandbox(sandboxConfig(pod, { annotations: { 'supernetes.io/hash': 'abc' } }));
      expect(sandbox.state).toBe('ready');
      expect(sandbox.ip).toMatch(IPV4);
      expect(sandbox.pod).toEqual(pod);
      expect(sandbox.annotations).toEqual({ 'supernetes.io/hash': 'abc' });

      const listed = await runtime.listSandboxes({ nodeName: node });
      expect(listed.map((s) => s.id)).toEqual([sandbox.id]);
      expect(listed[0]).toMatchObject({ pod, state: 'ready', ip: sandbox.ip, annotations: { 'supernetes.io/hash': 'abc' } });
      expect(await runtime.listSandboxes({ nodeName: node, podUid: pod.uid })).toHaveLength(1);
      expect(await runtime.listSandboxes({ nodeName: node, podUid: 'another-uid' })).toEqual([]);
    });

    it('creates, starts, stops and removes a container, reporting each state', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const config = runningConfig(image, [], { name: 'main', attempt: 2, annotations: { 'supernetes.io/spec-hash': '42' } });
      const id = await runtime.createContainer(sandbox.id, pod, config);

      const created = await runtime.containerStatus(id);
      expect(created).toMatchObject({ id, pod, sandboxId: sandbox.id, name: 'main', attempt: 2, state: 'created', image });
      expect(created?.annotations).toEqual({ 'supernetes.io/spec-hash': '42' });
      expect(created?.imageRef).toBe((await runtime.imageStatus(image))?.id);
      expect(created?.startedAt).toBeUndefined();

      await runtime.startContainer(id);
      const running = await runtime.containerStatus(id);
      expect(running?.state).toBe('running');
      expect(running?.startedAt).toBeInstanceOf(Date);
      expect(running?.exitCode).toBeUndefined();
      expect((await runtime.listContainers({ nodeName: node })).map((c) => c.id)).toEqual([id]);

      await runtime.stopContainer(id, 0);
      const stopped = await runtime.containerStatus(id);
      expect(stopped).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
      expect(stopped?.finishedAt?.getTime()).toBeGreaterThanOrEqual(stopped?.startedAt?.getTime() ?? Infinity);

      await runtime.removeContainer(id);
      expect(await runtime.containerStatus(id)).toBeUndefined();
      expect(await runtime.listContainers({ nodeName: node })).toEqual([]);
      await runtime.removeContainer(id);
    });

    it('reports an exit code with reason Error, and Completed for 0', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const failing = await runtime.createContainer(sandbox.id, pod, exitingConfig(image, 3, [], { name: 'failing' }));
      const succeeding = await runtime.createContainer(sandbox.id, pod, exitingConfig(image, 0, [], { name: 'succeeding' }));
      await runtime.startContainer(failing);
      await runtime.startContainer(succeeding);
      expect(await exited(failing)).toMatchObject({ name: 'failing', exitCode: 3, reason: 'Error' });
      expect(await exited(succeeding)).toMatchObject({ name: 'succeeding', exitCode: 0, reason: 'Completed' });
      const listed = await runtime.listContainers({ nodeName: node, podUid: pod.uid });
      expect(listed.map((c) => [c.name, c.exitCode]).sort()).toEqual([['failing', 3], ['succeeding', 0]]);
    });

    it('serves logs whole, tailed and time-stamped', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const id = await runtime.createContainer(sandbox.id, pod, exitingConfig(image, 0, ['one', 'two', 'three']));
      await runtime.startContainer(id);
      await exited(id);
      expect(await readAll(await runtime.logs(id, { follow: false, timestamps: false }))).toBe('one\ntwo\nthree\n');
      expect(await readAll(await runtime.logs(id, { follow: false, timestamps: false, tailLines: 1 }))).toBe('three\n');
      const stamped = (await readAll(await runtime.logs(id, { follow: false, timestamps: true }))).split('\n');
      expect(stamped.pop()).toBe('');
      expect(stamped).toHaveLength(3);
      for (const line of stamped) expect(line).toMatch(RFC3339_NANO_LINE);
      expect(stamped.map((line) => line.split(' ')[1])).toEqual(['one', 'two', 'three']);
    });

    it('follows the logs of a running container until the signal aborts', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const id = await runtime.createContainer(sandbox.id, pod, runningConfig(image, ['ready']));
      await runtime.startContainer(id);
      const abort = new AbortController();
      const stream = await runtime.logs(id, { follow: true, timestamps: false, signal: abort.signal });
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      await waitFor(() => text.includes('ready\n'), { what: 'the followed line', timeoutMs: SLOW_MS });
      abort.abort();
      await readAll(stream);
      expect(text).toBe('ready\n');
    });

    it('runs commands in a container with their exit codes', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const ok = await runtime.createContainer(sandbox.id, pod, runningConfig(image, [], { name: 'ok' }));
      const failing = await runtime.createContainer(
        sandbox.id,
        pod,
        runningConfig(image, [], { name: 'failing', env: [{ name: 'FAKE_EXEC_EXIT_CODE', value: '2' }] }),
      );
      await runtime.startContainer(ok);
      await runtime.startContainer(failing);
      expect(await runtime.execSync(ok, ['sh', '-c', 'exit 0'], SLOW_MS)).toMatchObject({ exitCode: 0, timedOut: false });
      expect(await runtime.execSync(failing, ['sh', '-c', 'exit 2'], SLOW_MS)).toMatchObject({ exitCode: 2, timedOut: false });
      const session = await runtime.exec(ok, { command: ['true'], stdin: false, stdout: true, stderr: true, tty: false });
      expect(session.stdout).toBeDefined();
      if (session.stdout !== undefined) await readAll(session.stdout);
      expect(await session.exitCode).toBe(0);
    });

    it('reports start, death and removal as events of the node', async () => {
      const node = newNode();
      const pod = podRef(node);
      const recorder = recordEvents(runtime, node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const id = await runtime.createContainer(sandbox.id, pod, exitingConfig(image, 1));
      await runtime.startContainer(id);
      await exited(id);
      await runtime.removeContainer(id);
      const seen = (): string[] => recorder.events.filter((e) => e.containerId === id).map((e) => e.type);
      await waitFor(() => seen().includes('removed'), { what: 'the removed event', timeoutMs: SLOW_MS });
      await recorder.stop();
      expect(seen()).toEqual(['started', 'died', 'removed']);
      expect(recorder.events.every((e) => e.podUid === pod.uid)).toBe(true);
      expect(recorder.events.some((e) => e.containerId === sandbox.id && e.type === 'started')).toBe(true);
    });

    it('stops a sandbox with what runs in it, and removes both', async () => {
      const node = newNode();
      const pod = podRef(node);
      const sandbox = await runtime.runSandbox(sandboxConfig(pod));
      const id = await runtime.createContainer(sandbox.id, pod, runningConfig(image));
      await runtime.startContainer(id);
      await runtime.stopSandbox(sandbox.id);
      const [stopped] = await runtime.listSandboxes({ nodeName: node });
      expect(stopped).toMatchObject({ id: sandbox.id, state: 'notready', ip: '' });
      expect((await runtime.containerStatus(id))?.state).toBe('exited');
      await runtime.stopSandbox(sandbox.id);

      await runtime.removeSandbox(sandbox.id);
      expect(await runtime.listSandboxes({ nodeName: node })).toEqual([]);
      expect(await runtime.listContainers({ nodeName: node })).toEqual([]);
      await runtime.removeSandbox(sandbox.id);
      await runtime.stopSandbox(sandbox.id);
    });

    it('keeps nodes that share it apart', async () => {
      const [a, b] = [newNode(), newNode()];
      const podA = podRef(a, 'same-name');
      const podB = podRef(b, 'same-name');
      const recorderB = recordEvents(runtime, b);
      const sandboxA = await runtime.runSandbox(sandboxConfig(podA));
      const sandboxB = await runtime.runSandbox(sandboxConfig(podB));
      const idA = await runtime.createContainer(sandboxA.id, podA, exitingConfig(image, 0));
      const idB = await runtime.createContainer(sandboxB.id, podB, exitingConfig(image, 0));
      await runtime.startContainer(idA);
      await runtime.startContainer(idB);
      expect((await runtime.listSandboxes({ nodeName: a })).map((s) => s.id)).toEqual([sandboxA.id]);
      expect((await runtime.listSandboxes({ nodeName: b })).map((s) => s.id)).toEqual([sandboxB.id]);
      expect((await runtime.listContainers({ nodeName: a })).map((c) => c.id)).toEqual([idA]);
      expect((await runtime.listContainers({ nodeName: b })).map((c) => c.id)).toEqual([idB]);
      await exited(idA);
      await exited(idB);
      await waitFor(() => recorderB.events.some((e) => e.containerId === idB && e.type === 'died'), { what: "node b's died event", timeoutMs: SLOW_MS });
      await recorderB.stop();
      expect(recorderB.events.every((e) => e.podUid === podB.uid)).toBe(true);
    });

    it('says NotFound for what it does not have', async () => {
      const node = newNode();
      const pod = podRef(node);
      const missing = 'f'.repeat(64);
      await expect(runtime.createContainer(missing, pod, containerConfig(image))).rejects.toBeInstanceOf(RuntimeNotFoundError);
      await expect(runtime.startContainer(missing)).rejects.toBeInstanceOf(RuntimeNotFoundError);
      await expect(runtime.stopContainer(missing, 0)).rejects.toBeInstanceOf(RuntimeNotFoundError);
      await expect(runtime.logs(missing, { follow: false, timestamps: false })).rejects.toBeInstanceOf(RuntimeNotFoundError);
      await expect(runtime.execSync(missing, ['true'], 1000)).rejects.toBeInstanceOf(RuntimeNotFoundError);
      expect(await runtime.containerStatus(missing)).toBeUndefined();
      await runtime.removeContainer(missing);
      await runtime.removeSandbox(missing);
    });
  });
}

// Docker-only logs and exec: following output as it is written, stderr merged, tty containers
// (no frame headers), exec with stdin, a tty and a resize, separate stdout/stderr, timeouts.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/docker-runtime.js';
import type { ContainerConfig } from '../../../src/superlet/runtime/runtime.js';
import { waitFor } from '../../support/wait.js';
import { BUSYBOX, DockerHarness } from './docker-fixture.js';
import { collect, containerConfig, podRef, readAll, sandboxConfig, SLOW_MS, SLOW_TEST } from './fixtures.js';

const harness = new DockerHarness('io');
const runtime = new DockerRuntime({ docker: harness.docker });

// Each test (not only the file) fails when Docker is missing: never reported as skipped.
beforeEach(() => harness.ready(), SLOW_MS);
afterAll(() => harness.cleanup(), SLOW_TEST.timeout);

async function started(command: string[], overrides: Partial<ContainerConfig> = {}): Promise<string> {
  const pod = podRef(harness.node());
  const sandbox = await runtime.runSandbox(sandboxConfig(pod));
  const id = await runtime.createContainer(sandbox.id, pod, containerConfig(BUSYBOX, { command, ...overrides }));
  await runtime.startContainer(id);
  return id;
}

const exited = (id: string) =>
  waitFor(async () => (await runtime.containerStatus(id))?.state === 'exited', { what: `container ${id} to exit`, timeoutMs: SLOW_MS });

const COUNTER = ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.1; done'];

describe('DockerRuntime logs', SLOW_TEST, () => {
  it('follows new lines as they are written, from the tail, time-stamped', async () => {
    const id = await started(COUNTER);
    await waitFor(async () => (await readAll(await runtime.logs(id, { follow: false, timestamps: false }))).includes('line-3\n'), {
      what: 'three lines',
      timeoutMs: SLOW_MS,
    });
    const abort = new AbortController();
    const stream = await runtime.logs(id, { follow: true, timestamps: true, tailLines: 1, signal: abort.signal });
    const output = collect(stream);
    await waitFor(() => output.text().split('\n').length > 5, { what: 'five followed lines', timeoutMs: SLOW_MS });
    abort.abort();
    await output.ended;
    const lines = output.text().split('\n').filter((line) => line !== '');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z line-\d+$/);
    const numbers = lines.map((line) => Number(line.split('line-')[1]));
    expect(numbers[0]).toBeGreaterThanOrEqual(3);
    numbers.forEach((n, i) => expect(n).toBe((numbers[0] ?? 0) + i));
  });

  it('ends a follow by itself when the container exits', async () => {
    const id = await started(['sh', '-c', 'echo start; while [ ! -f /tmp/done ]; do sleep 0.1; done; echo end']);
    const stream = await runtime.logs(id, { follow: true, timestamps: false });
    const output = collect(stream);
    await waitFor(() => output.text().includes('start'), { what: 'the first line', timeoutMs: SLOW_MS });
    expect((await runtime.execSync(id, ['touch', '/tmp/done'], SLOW_MS)).exitCode).toBe(0);
    await output.ended;
    expect(output.text()).toBe('start\nend\n');
  });

  it('merges stderr into the log and strips the stream headers', async () => {
    const id = await started(['sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
    await exited(id);
    const text = await readAll(await runtime.logs(id, { follow: false, timestamps: false }));
    expect(text.split('\n').sort()).toEqual(['', 'to-stderr', 'to-stdout']);
  });

  it('serves the raw output of a tty container', async () => {
    const id = await started(['sh', '-c', 'echo tty-line'], { tty: true });
    await exited(id);
    expect(await readAll(await runtime.logs(id, { follow: false, timestamps: false }))).toBe('tty-line\r\n');
  });
});

describe('DockerRuntime exec', SLOW_TEST, () => {
  it('feeds stdin to the command and reads its stdout', async () => {
    const id = await started(['sleep', '3600']);
    const session = await runtime.exec(id, { command: ['cat'], stdin: true, stdout: true, stderr: true, tty: false });
    const stdout = collect(session.stdout);
    session.stdin?.write('hello through stdin\n');
    session.stdin?.end();
    expect(await session.exitCode).toBe(0);
    await stdout.ended;
    expect(stdout.text()).toBe('hello through stdin\n');
  });

  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const id = await started(['sleep', '3600']);
    const session = await runtime.exec(id, { command: ['sh', '-c', 'echo out; echo err >&2; exit 4'], stdin: false, stdout: true, stderr: true, tty: false });
    const stdout = collect(session.stdout);
    const stderr = collect(session.stderr);
    expect(await session.exitCode).toBe(4);
    await Promise.all([stdout.ended, stderr.ended]);
    expect(stdout.text()).toBe('out\n');
    expect(stderr.text()).toBe('err\n');
    expect(await runtime.execSync(id, ['sh', '-c', 'echo hi; echo oops >&2; exit 1'], SLOW_MS)).toEqual({
      exitCode: 1,
      stdout: 'hi\n',
      stderr: 'oops\n',
      timedOut: false,
    });
  });

  it('runs an interactive shell on a tty that follows resizes', async () => {
    const id = await started(['sleep', '3600']);
    const session = await runtime.exec(id, { command: ['sh'], stdin: true, stdout: true, stderr: true, tty: true });
    expect(session.stderr).toBeUndefined();
    const stdout = collect(session.stdout);
    await session.resize({ width: 100, height: 30 });
    session.stdin?.write('stty size; exit 7\n');
    expect(await session.exitCode).toBe(7);
    await stdout.ended;
    expect(stdout.text()).toContain('30 100');
  });

  it('gives up on a command that runs past its timeout', async () => {
    const id = await started(['sleep', '3600']);
    const begun = Date.now();
    const result = await runtime.execSync(id, ['sleep', '120'], 1000);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(SLOW_MS);
  });
});

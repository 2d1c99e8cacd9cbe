// Exec probes in a real container on Docker (fails, not skips, without a daemon): the Prober's
// outcomes, and a ProbeManager that notices a liveness failure and a readiness recovery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/docker-runtime.js';
import { ProbeManager, type ProbeResultChange } from '../../../src/superlet/probes/probe-manager.js';
import { Prober } from '../../../src/superlet/probes/prober.js';
import { BUSYBOX, DockerHarness, dockerReady } from '../runtime/docker-fixture.js';
import { podRef, runningConfig, sandboxConfig } from '../runtime/fixtures.js';
import { waitFor } from '../../support/wait.js';

const harness = new DockerHarness('probes');
// A loaded machine can take seconds for one docker exec; only the timeout test uses a short timeout.
const EXEC_TIMEOUT_S = 30;
const WAIT = { timeoutMs: 120_000 };
const runtime = new DockerRuntime({ docker: harness.docker });
let containerId = '';
const ref = podRef(harness.node(), 'probed');
const spec: Container = { name: 'app', image: BUSYBOX, env: [{ name: 'MARK', value: '/tmp/healthy' }] };
const pod: Pod = { metadata: { name: ref.name, namespace: ref.namespace, uid: ref.uid }, spec: { containers: [spec] } };

beforeAll(async () => {
  await dockerReady(harness.docker);
  const sandbox = await runtime.runSandbox(sandboxConfig(ref));
  containerId = await runtime.createContainer(sandbox.id, ref, runningConfig(BUSYBOX, [], { name: 'app', command: ['sh', '-c', 'touch /tmp/healthy; exec sleep 3600'] }));
  await runtime.startContainer(containerId);
  await waitFor(async () => (await runtime.execSync(containerId, ['test', '-e', '/tmp/healthy'], EXEC_TIMEOUT_S * 1000)).exitCode === 0, { what: 'the container to be up', ...WAIT });
}, 300_000);

afterAll(async () => {
  await harness.cleanup();
});

describe('exec probes on Docker', () => {
  const prober = new Prober({ runtime });
  const target = (): Parameters<Prober['run']>[1] => ({ pod, container: spec, containerId, podIP: '' });

  it('exit 0 is success; the command sees $(VAR) expanded from the spec', async () => {
    expect(await prober.run({ exec: { command: ['test', '-e', '$(MARK)'] }, timeoutSeconds: EXEC_TIMEOUT_S }, target())).toEqual({ result: 'success', output: '' });
  });

  it('a non-zero exit is failure with stdout and stderr as output', async () => {
    const outcome = await prober.run({ exec: { command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }, timeoutSeconds: EXEC_TIMEOUT_S }, target());
    expect(outcome.result).toBe('failure');
    expect(outcome.output).toContain('out');
    expect(outcome.output).toContain('err');
  });

  it('a command past timeoutSeconds fails as timed out', { timeout: 180_000 }, async () => {
    const began = Date.now();
    expect(await prober.run({ exec: { command: ['sleep', '120'] }, timeoutSeconds: 1 }, target())).toEqual({ result: 'failure', output: 'command "sleep 120" timed out' });
    // Well before the command would have ended by itself.
    expect(Date.now() - began).toBeLessThan(90_000);
  });

  it('a container that does not exist is an error', async () => {
    const outcome = await prober.run({ exec: { command: ['true'] } }, { ...target(), containerId: 'f'.repeat(64) });
    expect(outcome.result).toBe('unknown');
    expect(outcome.error).toBeDefined();
  });

  it('ProbeManager: readiness follows the file, liveness failure asks for a restart', { timeout: 600_000 }, async () => {
    const changes: ProbeResultChange[] = [];
    const probed: Container = {
      ...spec,
      readinessProbe: { exec: { command: ['test', '-e', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: EXEC_TIMEOUT_S },
      livenessProbe: { exec: { command: ['test', '-e', '$(MARK)'] }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: EXEC_TIMEOUT_S },
    };
    const probedPod: Pod = { ...pod, spec: { containers: [probed] } };
    const manager = new ProbeManager({ runtime, onResult: (c) => changes.push(c) });
    try {
      const status = await runtime.containerStatus(containerId);
      if (status === undefined) throw new Error('container vanished');
      manager.ensure(probedPod, [status]);
      await runtime.execSync(containerId, ['touch', '/tmp/ready'], EXEC_TIMEOUT_S * 1000);
      await waitFor(() => manager.isReady(ref.uid, 'app'), { what: 'readiness to pass', ...WAIT });

      await runtime.execSync(containerId, ['rm', '/tmp/ready'], EXEC_TIMEOUT_S * 1000);
      await waitFor(() => !manager.isReady(ref.uid, 'app'), { what: 'readiness to fail', ...WAIT });

      await runtime.execSync(containerId, ['rm', '/tmp/healthy'], EXEC_TIMEOUT_S * 1000);
      const failed = await waitFor(() => changes.find((c) => c.probe === 'liveness'), { what: 'the liveness failure', ...WAIT });
      expect(failed).toEqual({
        podUid: ref.uid,
        containerName: 'app',
        containerId,
        probe: 'liveness',
        result: 'failure',
        output: 'Liveness probe failed: ',
        killMessage: 'Container app failed liveness probe, will be restarted',
      });
      expect(changes.filter((c) => c.probe === 'readiness').map((c) => c.result)).toEqual(['success', 'failure']);
    } finally {
      manager.stop();
    }
  });
});

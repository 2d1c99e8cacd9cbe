// Docker-only networking: containers of one pod share localhost, the pod's IP on the bridge and
// its published hostPort answer, hostNetwork pods live on the node's network, and the sandbox's
// hostname and DNS settings reach the app containers. Traffic goes only to 127.0.0.1 and to our
// own containers' bridge addresses.
import { hostname } from 'node:os';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/docker-runtime.js';
import { waitFor } from '../../support/wait.js';
import { BUSYBOX, DockerHarness, freePort, httpGet } from './docker-fixture.js';
import { containerConfig, podRef, sandboxConfig, SLOW_MS, SLOW_TEST } from './fixtures.js';

const harness = new DockerHarness('net');
const runtime = new DockerRuntime({ docker: harness.docker });

// Each test (not only the file) fails when Docker is missing: never reported as skipped.
beforeEach(() => harness.ready(), SLOW_MS);
afterAll(() => harness.cleanup(), SLOW_TEST.timeout);

/** busybox httpd serving `body` on `address` (port, or ip:port). */
function httpd(address: string, body: string, name = 'web') {
  return containerConfig(BUSYBOX, {
    name,
    command: ['sh', '-c', `mkdir -p /tmp/www && echo ${body} > /tmp/www/index.html && exec httpd -f -p ${address} -h /tmp/www`],
  });
}

describe('DockerRuntime networking', SLOW_TEST, () => {
  it("lets the containers of one pod talk over localhost, and serves on the pod's IP", async () => {
    const pod = podRef(harness.node());
    const sandbox = await runtime.runSandbox(sandboxConfig(pod));
    const web = await runtime.createContainer(sandbox.id, pod, httpd('8080', 'hello-from-web'));
    const client = await runtime.createContainer(sandbox.id, pod, containerConfig(BUSYBOX, { name: 'client', command: ['sleep', '3600'] }));
    await runtime.startContainer(web);
    await runtime.startContainer(client);
    const fetched = await waitFor(async () => {
      const result = await runtime.execSync(client, ['wget', '-qO-', 'http://127.0.0.1:8080/'], SLOW_MS);
      return result.exitCode === 0 ? result.stdout : undefined;
    }, { what: 'wget 127.0.0.1:8080 from the other container', timeoutMs: SLOW_MS });
    expect(fetched).toBe('hello-from-web\n');
    expect(await httpGet(`http://${sandbox.ip}:8080/`)).toBe('hello-from-web\n');
  });

  it('publishes a hostPort on 127.0.0.1', async () => {
    const port = await freePort();
    const pod = podRef(harness.node());
    const sandbox = await runtime.runSandbox(
      sandboxConfig(pod, { portMappings: [{ containerPort: 8080, hostPort: port, hostIP: '127.0.0.1', protocol: 'TCP' }] }),
    );
    const web = await runtime.createContainer(sandbox.id, pod, httpd('8080', 'published'));
    await runtime.startContainer(web);
    const body = await waitFor(() => httpGet(`http://127.0.0.1:${port}/`), { what: `127.0.0.1:${port} to answer`, timeoutMs: SLOW_MS });
    expect(body).toBe('published\n');
    const binding = (await harness.docker.getContainer(sandbox.id).inspect()).HostConfig.PortBindings as Record<string, unknown>;
    expect(binding['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
  });

  it("runs a hostNetwork pod on the node's network, with the node's hostname", async () => {
    const port = await freePort();
    const pod = podRef(harness.node());
    // DNS settings beside host networking (dnsPolicy ClusterFirstWithHostNet) must not conflict.
    const dns = { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] };
    const sandbox = await runtime.runSandbox(sandboxConfig(pod, { hostNetwork: true, dns }));
    expect(sandbox.ip).toBe('');
    const web = await runtime.createContainer(sandbox.id, pod, httpd(`127.0.0.1:${port}`, 'on-the-host'));
    await runtime.startContainer(web);
    const body = await waitFor(() => httpGet(`http://127.0.0.1:${port}/`), { what: `127.0.0.1:${port} to answer`, timeoutMs: SLOW_MS });
    expect(body).toBe('on-the-host\n');
    expect((await runtime.execSync(web, ['hostname'], SLOW_MS)).stdout.trim()).toBe(hostname());
  });

  it("gives the app containers the sandbox's hostname and DNS settings", async () => {
    const pod = podRef(harness.node(), 'named-pod');
    const sandbox = await runtime.runSandbox(
      sandboxConfig(pod, {
        hostname: 'my-pod-host',
        dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] },
      }),
    );
    const app = await runtime.createContainer(sandbox.id, pod, containerConfig(BUSYBOX, { command: ['sleep', '3600'] }));
    await runtime.startContainer(app);
    expect((await runtime.execSync(app, ['hostname'], SLOW_MS)).stdout).toBe('my-pod-host\n');
    const resolv = (await runtime.execSync(app, ['cat', '/etc/resolv.conf'], SLOW_MS)).stdout;
    expect(resolv).toContain('nameserver 10.96.0.10');
    expect(resolv).toContain('search default.svc.cluster.local svc.cluster.local');
    expect(resolv).toContain('options ndots:5');
  });
});

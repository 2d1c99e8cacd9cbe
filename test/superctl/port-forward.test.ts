// superctl port-forward against a cluster on Docker: busybox httpd in a pod, reached through
// pod/NAME and svc/NAME (service port 80 to target port 8080), one GET after another and several at
// once; a port nothing listens on prints kubectl's error line and the forward goes on; Ctrl-C
// (SIGINT) ends it with exit code 0.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Pods, Services } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX, isRunningAndReady, waitForPod } from '../support/pods.js';
import { Superctl } from '../support/superctl.js';
import { waitFor } from '../support/wait.js';

let cluster: TestCluster;
let superctl: Superctl;
const running: ChildProcessWithoutNullStreams[] = [];

const WEB_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'httpd',
        image: BUSYBOX,
        command: ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'],
        ports: [{ name: 'http', containerPort: 8080 }],
      },
    ],
  },
};

const WEB_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 8080 }] },
};

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, controllers: true });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
  await cluster.client.create(Pods, WEB_POD);
  await cluster.client.create(Services, WEB_SERVICE);
  await waitForPod(cluster.client, 'web', isRunningAndReady, 'running');
}, 300_000);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await cluster?.stop();
});

interface Forward {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

/** Starts superctl port-forward and waits until it has printed a "Forwarding from" line per port. */
async function forward(args: string[], ports = 1): Promise<Forward> {
  const child = superctl.spawn(['port-forward', ...args]);
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(() => (out.match(/^Forwarding from /gm) ?? []).length >= ports || child.exitCode !== null, {
    what: 'the Forwarding from lines',
    timeoutMs: 60_000,
  });
  if (child.exitCode !== null) throw new Error(`port-forward exited ${child.exitCode}: ${err}`);
  return { child, stdout: () => out, stderr: () => err, exit };
}

function localPortOf(out: string, remote: number): number {
  const match = new RegExp(`^Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${remote}$`, 'm').exec(out);
  if (match === null) throw new Error(`no Forwarding line for ${remote} in: ${out}`);
  return Number(match[1]);
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('superctl port-forward', { timeout: 180_000 }, () => {
  it('forwards a random local port to a pod, one request after another and several at once, and ends with 0 on SIGINT', async () => {
    const pf = await forward(['pod/web', ':8080']);
    const port = localPortOf(pf.stdout(), 8080);
    expect(port).toBeGreaterThan(0);
    expect(await get(port)).toEqual({ status: 200, body: 'hello\n' });
    expect(await get(port)).toEqual({ status: 200, body: 'hello\n' });
    const together = await Promise.all([get(port), get(port), get(port), get(port)]);
    expect(together.map((r) => r.body)).toEqual(['hello\n', 'hello\n', 'hello\n', 'hello\n']);
    await waitFor(() => (pf.stdout().match(new RegExp(`^Handling connection for ${port}$`, 'gm')) ?? []).length === 6, {
      what: 'six Handling connection lines',
      timeoutMs: 10_000,
    });
    expect(pf.stdout()).not.toMatch(/Forwarding from \[::1\]/);
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('forwards through a service: its port 80 maps to the pod target port 8080, by number and by name', async () => {
    const pf = await forward(['svc/web', ':80', ':web'], 2);
    const lines = pf.stdout().match(/^Forwarding from 127\.0\.0\.1:(\d+) -> 8080$/gm) ?? [];
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const port = Number(/:(\d+) ->/.exec(line)?.[1]);
      expect(await get(port)).toEqual({ status: 200, body: 'hello\n' });
    }
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('prints an error for a connection to a port nothing listens on, and goes on forwarding the others', async () => {
    const pf = await forward(['web', ':9999', ':8080'], 2);
    const dead = localPortOf(pf.stdout(), 9999);
    const alive = localPortOf(pf.stdout(), 8080);
    await expect(get(dead)).rejects.toThrow();
    await waitFor(() => pf.stderr().includes(`an error occurred forwarding ${dead} -> 9999: `), { what: 'the error line', timeoutMs: 30_000 });
    expect(pf.stderr()).toMatch(new RegExp(`^E\\d{4} .*\\] an error occurred forwarding ${dead} -> 9999: error forwarding port 9999 to pod web_default, uid .*$`, 'm'));
    expect(await get(alive)).toEqual({ status: 200, body: 'hello\n' });
    expect(pf.child.exitCode).toBeNull();
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('refuses bad input with one line: no ports, a port the service lacks, a pod that does not exist', async () => {
    const none = await superctl.run(['port-forward', 'pod/web']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('error: TYPE/NAME and list of ports are required for port-forward\n');
    const wrong = await superctl.run(['port-forward', 'svc/web', '8081']);
    expect(wrong.stderr).toBe('error: Service web does not have a service port 8081\n');
    const missing = await superctl.run(['port-forward', 'pod/nope', '80']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error from server \(NotFound\): pods "nope" not found\n$/);
  });
});

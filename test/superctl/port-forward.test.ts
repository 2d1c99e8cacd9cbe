// superctl port-forward against a cluster on Docker: busybox httpd in a pod, reached through
// pod/NAME and svc/NAME (service port 80 to target port 8080), one GET after another and several at
// once; a port nothing listens on prints kubectl's error line and the forward goes on; Ctrl-C
// (SIGINT) ends it with exit code 0.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deployments, Pods, Services } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { BUSYBOX, isRunningAndReady, waitForPod } from '../support/pods.js';
import { Kubectl, kubectlVersions } from '../support/kubectl.js';
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

const SITE_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'site', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'site' } },
    template: { metadata: { labels: { app: 'site' } }, spec: { ...WEB_POD.spec, containers: [{ ...WEB_POD.spec.containers[0], command: ['sh', '-c', 'mkdir -p /www && echo site > /www/index.html && exec httpd -f -p 8080 -h /www'] }] } },
  },
};

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, controllers: true });
  superctl = new Superctl(cluster.plane.kubeconfigPath);
  await cluster.client.create(Pods, WEB_POD);
  await cluster.client.create(Services, WEB_SERVICE);
  await cluster.client.create(Deployments, SITE_DEPLOYMENT);
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
async function forward(args: string[], ports = 1, tool: { spawn(args: readonly string[]): ChildProcessWithoutNullStreams } = superctl): Promise<Forward> {
  const child = tool.spawn(['port-forward', ...args]);
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

function get(port: number, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false }, (res) => {
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
    // A client that half-closes once it has sent its request still gets the whole answer.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.once('end', () => resolve(text));
      socket.once('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 200 OK\r\n[^]*\r\n\r\nhello\n$/);
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

  it('listens on 127.0.0.1 and ::1, one port, when --address localhost says so', async () => {
    const pf = await forward(['--address', 'localhost', 'pod/web', ':8080'], 2);
    const port = localPortOf(pf.stdout(), 8080);
    expect(pf.stdout()).toContain(`Forwarding from [::1]:${port} -> 8080\n`);
    expect(await get(port, '::1')).toEqual({ status: 200, body: 'hello\n' });
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('forwards to the pod of a deployment and of its replica set', async () => {
    // kubectl (and superctl) refuse a pod that is not running yet.
    await waitFor(async () => (await cluster.client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=site' })).items.some(isRunningAndReady), {
      what: 'the pod of deployment site running',
      timeoutMs: 120_000,
    });
    for (const target of ['deploy/site', 'deployment/site']) {
      const pf = await forward([target, ':8080', '--pod-running-timeout', '2m']);
      const port = localPortOf(pf.stdout(), 8080);
      expect(await get(port)).toEqual({ status: 200, body: 'site\n' });
      pf.child.kill('SIGINT');
      expect(await pf.exit).toBe(0);
    }
    const replicaSet = (await cluster.kubectl.ok(['get', 'rs', '-l', 'app=site', '-o', 'name'])).trim();
    expect(replicaSet).toMatch(/^replicaset\.apps\/site-/);
    const pf = await forward([`rs/${replicaSet.split('/')[1] ?? ''}`, ':8080']);
    expect(await get(localPortOf(pf.stdout(), 8080))).toEqual({ status: 200, body: 'site\n' });
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('prints an error for a connection to a port nothing listens on, and goes on forwarding the others', async () => {
    const pf = await forward(['web', ':9999', ':8080'], 2);
    const dead = localPortOf(pf.stdout(), 9999);
    const alive = localPortOf(pf.stdout(), 8080);
    await expect(get(dead)).rejects.toThrow();
    await waitFor(() => pf.stderr().includes(`an error occurred forwarding ${dead} -> 9999: `), { what: 'the error line', timeoutMs: 30_000 });
    expect(pf.stderr()).toMatch(new RegExp(`^E\\d{4} .*\\] "Unhandled Error" err="an error occurred forwarding ${dead} -> 9999: error forwarding port 9999 to pod web_default, uid .*"$`, 'm'));
    expect(await get(alive)).toEqual({ status: 200, body: 'hello\n' });
    expect(pf.child.exitCode).toBeNull();
    pf.child.kill('SIGINT');
    expect(await pf.exit).toBe(0);
  });

  it('prints the lines kubectl prints: Forwarding from, Handling connection, and the forwarding error', async () => {
    const newest = kubectlVersions().at(-1);
    const kubectl = new Kubectl(cluster.plane.kubeconfigPath, newest?.binary ?? 'kubectl');
    const transcript = async (pf: Forward): Promise<{ stdout: string; error: string }> => {
      const dead = localPortOf(pf.stdout(), 9999);
      await expect(get(dead)).rejects.toThrow();
      const line = await waitFor(() => /^E\d{4} [\d:.]+ +\d+ [^ ]+\] (.*an error occurred forwarding.*)$/m.exec(pf.stderr())?.[1], { what: 'the error line', timeoutMs: 30_000 });
      pf.child.kill('SIGINT');
      await pf.exit;
      // Ports and the message after "connect:" (Go's and Node's words for ECONNREFUSED) differ.
      return {
        stdout: pf.stdout().replaceAll(String(dead), 'PORT'),
        error: line.replaceAll(String(dead), 'PORT').replace(/uid [0-9a-f-]+: [^"]*/, 'uid UID: ...'),
      };
    };
    const theirs = await transcript(await forward(['--address', '127.0.0.1', 'pod/web', ':9999'], 1, kubectl));
    const ours = await transcript(await forward(['pod/web', ':9999']));
    expect(ours).toEqual(theirs);
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
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    try {
      const busy = await superctl.run(['port-forward', 'pod/web', `${takenPort}:8080`]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`^Unable to listen on port ${takenPort}: .*EADDRINUSE.*\n`));
      expect(busy.stderr).toMatch(new RegExp(`\nerror: unable to listen on any of the requested ports: ${takenPort}:8080\n$`));
    } finally {
      taken.close();
    }
  });
});

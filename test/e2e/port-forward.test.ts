// kubectl port-forward through the API server and the superlet to a pod on Docker: SPDY for
// kubectl before 1.31, SPDY tunnelled over a WebSocket from 1.31 on. A busybox httpd serves a file;
// an HTTP GET on the forwarded local port must return it, for every kubectl on the machine. The
// cluster runs the controllers too, so the same Service shows its Endpoints and EndpointSlice
// following a pod that really runs and turns ready.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { get } from 'node:http';
import type { Endpoints as EndpointsObject, Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoints, EndpointSlices, Pods } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { Kubectl, kubectlVersions } from '../support/kubectl.js';
import { isRunningAndReady, waitForPod } from '../support/pods.js';
import { waitFor, withTimeout } from '../support/wait.js';

let cluster: TestCluster;

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: supernetes.local/busybox:latest
    command: ["sh", "-c", "mkdir -p /www && echo served-through-port-forward > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
`;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, controllers: true });
  await cluster.kubectl.ok(['apply', '-f', '-'], MANIFEST);
  await waitForPod(cluster.client, 'web', isRunningAndReady, 'Running');
});

afterAll(async () => {
  await cluster?.stop();
});

/** Starts kubectl port-forward on a free local port and resolves with it once kubectl listens. */
async function portForward(kubectl: Kubectl, target: string, remotePort: string): Promise<{ port: number; child: ChildProcessWithoutNullStreams; stderr: () => string }> {
  // -v=4 makes kubectl 1.31+ say when it gives up on the WebSocket and falls back to SPDY.
  const child = kubectl.spawn(['port-forward', '-v=4', '--address', '127.0.0.1', target, `:${remotePort}`]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(stdout);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${stderr}`)));
    }),
    30_000,
    `kubectl port-forward ${target} to listen (stderr: ${stderr})`,
  );
  return { port, child, stderr: () => stderr };
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, timeout: 20_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.once('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error('HTTP GET through port-forward timed out')));
    request.once('error', reject);
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const minor = (version: string): number => Number(version.split('.')[1] ?? 'NaN');

describe('kubectl port-forward', { timeout: 120_000 }, () => {
  const versions = kubectlVersions();
  for (const { version, binary } of versions) {
    it(`kubectl ${version}: pod/web forwards a local port to the pod's httpd, several connections in turn`, async () => {
      const kubectl = new Kubectl(cluster.plane.kubeconfigPath, binary);
      const forward = await portForward(kubectl, 'pod/web', '8080');
      try {
        for (let i = 0; i < 3; i++) {
          const response = await httpGet(forward.port, '/index.html');
          expect(response.status).toBe(200);
          expect(response.body).toBe('served-through-port-forward\n');
        }
        // Two at once: each connection is its own stream pair.
        const both = await Promise.all([httpGet(forward.port, '/index.html'), httpGet(forward.port, '/missing')]);
        expect(both.map((r) => r.status)).toEqual([200, 404]);
        // From 1.31 kubectl tunnels over a WebSocket and would fall back to SPDY if refused.
        if (minor(version) >= 31) expect(forward.stderr()).not.toMatch(/fallback to secondary dialer/i);
      } finally {
        await stop(forward.child);
      }
    });
  }

  const newest = versions[versions.length - 1];
  const oldest = versions[0];
  for (const entry of new Set([oldest, newest])) {
    if (entry === undefined) continue;
    it(`kubectl ${entry.version}: svc/web resolves to the pod and its named target port`, async () => {
      const kubectl = new Kubectl(cluster.plane.kubeconfigPath, entry.binary);
      const forward = await portForward(kubectl, 'svc/web', '80');
      try {
        const response = await httpGet(forward.port, '/index.html');
        expect(response.body).toBe('served-through-port-forward\n');
      } finally {
        await stop(forward.child);
      }
    });
  }

  it('reports a port nothing listens on as kubectl\'s forwarding error', async () => {
    const kubectl = new Kubectl(cluster.plane.kubeconfigPath, newest?.binary ?? 'kubectl');
    const forward = await portForward(kubectl, 'pod/web', '9999');
    try {
      await expect(httpGet(forward.port, '/')).rejects.toThrow();
      await withTimeout(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (/error forwarding port 9999 to pod web_default, uid [0-9a-f-]+: .*(refused|ECONNREFUSED)/.test(forward.stderr())) resolve();
            else setTimeout(check, 50);
          };
          check();
        }),
        15_000,
        `kubectl to print the forwarding error (stderr: ${forward.stderr()})`,
      );
    } finally {
      await stop(forward.child);
    }
  });
});

describe('pods/portforward checks', () => {
  it('refuses invalid ports and a request that is no upgrade, with upstream\'s words', async () => {
    const bad = await cluster.client.request('POST', '/api/v1/namespaces/default/pods/web/portforward', { query: { ports: '70000' } });
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toMatch(/invalid port: \\"70000\\"/);
    const plain = await cluster.client.request('POST', '/api/v1/namespaces/default/pods/web/portforward');
    expect(plain.status).toBe(400);
    expect(plain.body.toString()).toMatch(/Upgrade request required/);
  });
});

describe('the Service of the running pod', { timeout: 60_000 }, () => {
  it('has Endpoints and an EndpointSlice with the pod\'s IP, node and named port', async () => {
    const pod = await cluster.client.get<Pod>(Pods, 'web', 'default');
    const ip = pod.status?.podIP ?? '';
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const ep = await waitFor(async () => {
      const found = await cluster.client.get<EndpointsObject>(Endpoints, 'web', 'default').catch(() => undefined);
      return found?.subsets?.[0]?.addresses?.[0]?.ip === ip ? found : undefined;
    }, { what: 'Endpoints web with the pod', timeoutMs: 30_000 });
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip, nodeName: pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: 'web', uid: pod.metadata?.uid } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(await cluster.kubectl.ok(['get', 'endpoints', 'web'])).toContain(`${ip}:8080`);
    const slices = await waitFor(async () => {
      const list = await cluster.client.list<EndpointSlice>(EndpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
      return list.items[0]?.endpoints?.[0]?.conditions?.ready === true ? list.items : undefined;
    }, { what: 'a ready endpoint in the slice of web', timeoutMs: 30_000 });
    expect(slices).toHaveLength(1);
    expect(slices[0]?.endpoints).toEqual([
      { addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: 'web', uid: pod.metadata?.uid } },
    ]);
  });
});

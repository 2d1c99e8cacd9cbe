// A SuperletServer beside a test control plane, and a Node object whose status points the API
// server at it (InternalIP 127.0.0.1 and daemonEndpoints.kubeletEndpoint.Port), as a registering
// superlet would write it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Runtime } from '../../../src/superlet/runtime/runtime.js';
import { SuperletServer, type ContainerResolver } from '../../../src/superlet/server/superlet-server.js';
import type { RawResponse, TestControlPlane } from '../../support/control-plane.js';

export interface TestSuperlet {
  readonly port: number;
  stop(): void;
}

export async function startSuperletFor(plane: TestControlPlane, runtime: Runtime, nodeName: string, resolveContainer: ContainerResolver): Promise<TestSuperlet> {
  const caPem = await readFile(join(plane.dataDir, 'pki', 'ca.crt'), 'utf8');
  const stop = new AbortController();
  const server = new SuperletServer({ runtime, caPem, bind: '127.0.0.1', port: 0, resolveContainer });
  const { port } = await server.start(stop.signal);
  await createNode(plane, nodeName, { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }], port });
  return { port, stop: () => stop.abort() };
}

export async function createNode(plane: TestControlPlane, name: string, where: { addresses: { type: string; address: string }[]; port?: number }): Promise<void> {
  const created = await send(plane, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  expect(created.status, created.text).toBe(201);
  const status = {
    addresses: where.addresses,
    ...(where.port === undefined ? {} : { daemonEndpoints: { kubeletEndpoint: { Port: where.port } } }),
    conditions: [{ type: 'Ready', status: 'True', reason: 'SuperletReady', message: 'test superlet' }],
  };
  const patched = await send(plane, 'PATCH', `/api/v1/nodes/${name}/status`, { status }, 'application/merge-patch+json');
  expect(patched.status, patched.text).toBe(200);
}

/** A pod already placed on a node (spec.nodeName set at create, as kubectl run --overrides could). */
export async function createPod(plane: TestControlPlane, pod: { name: string; nodeName?: string; containers: string[]; initContainers?: string[]; image?: string }): Promise<void> {
  const container = (name: string) => ({ name, image: pod.image ?? 'supernetes.local/busybox:latest' });
  const created = await send(plane, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, labels: { app: pod.name } },
    spec: {
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      containers: pod.containers.map(container),
      ...(pod.initContainers === undefined ? {} : { initContainers: pod.initContainers.map(container) }),
    },
  });
  expect(created.status, created.text).toBe(201);
}

function send(plane: TestControlPlane, method: string, path: string, body: unknown, type = 'application/json'): Promise<RawResponse> {
  return plane.request({ method, path, headers: { 'Content-Type': type }, body: JSON.stringify(body) });
}

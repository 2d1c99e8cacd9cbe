// Services get a ClusterIP from 10.96.0.0/12 and node ports from 30000-32767, as upstream: chosen
// values are checked (in range, not taken), concurrent creates never share an address, a Service
// turned NodePort gets its node ports and one turned back releases them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

let plane: TestControlPlane;

beforeAll(async () => {
  plane = await startTestControlPlane();
});

afterAll(async () => {
  await plane?.stop();
});

const path = '/api/v1/namespaces/default/services';

function service(name: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
}

interface ServiceBody {
  spec: { clusterIP: string; ports: { nodePort?: number }[] };
  message?: string;
}

async function create(name: string, spec?: Record<string, unknown>): Promise<{ status: number; body: ServiceBody }> {
  const response = await plane.request({ method: 'POST', path, body: service(name, spec), headers: { 'Content-Type': 'application/json' } });
  return { status: response.status, body: response.json as ServiceBody };
}

describe('Service address allocation', () => {
  it('gives 40 services created at once 40 different addresses in the range', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => create(`burst-${i}`, { type: 'NodePort' })));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    const ips = results.map((r) => r.body.spec.clusterIP);
    expect(new Set(ips).size).toBe(40);
    for (const ip of ips) expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    const ports = results.map((r) => r.body.spec.ports[0]?.nodePort);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(30000);
  });

  it('refuses a chosen clusterIP outside the range or already taken, and stores nothing', async () => {
    const outside = await create('outside', { clusterIP: '192.168.1.10' });
    expect(outside.status).toBe(422);
    expect(outside.body.message).toContain('is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    const first = await create('chosen', { clusterIP: '10.96.5.5' });
    expect(first.status).toBe(201);
    expect(first.body.spec.clusterIP).toBe('10.96.5.5');
    const taken = await create('chosen-again', { clusterIP: '10.96.5.5' });
    expect(taken.status).toBe(422);
    expect(taken.body.message).toContain('provided IP is already allocated');
    expect((await plane.request({ path: `${path}/outside` })).status).toBe(404);
    expect((await plane.request({ path: `${path}/chosen-again` })).status).toBe(404);
  });

  it('refuses a chosen nodePort outside the range or already taken', async () => {
    expect((await create('np-low', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })).body.message).toContain(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    expect((await create('np-a', { type: 'NodePort', ports: [{ port: 80, nodePort: 31111 }] })).status).toBe(201);
    const again = await create('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: 31111 }] });
    expect(again.status).toBe(422);
    expect(again.body.message).toContain('provided port is already allocated');
    // The same number over UDP is another port.
    expect((await create('np-udp', { type: 'NodePort', ports: [{ port: 80, nodePort: 31111, protocol: 'UDP' }] })).status).toBe(201);
  });

  it('allocates node ports when a ClusterIP service becomes NodePort, and drops them when it turns back', async () => {
    expect((await create('flip')).status).toBe(201);
    const patch = (type: string) =>
      plane.request({ method: 'PATCH', path: `${path}/flip`, body: JSON.stringify({ spec: { type } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    const asNodePort = (await patch('NodePort')).json as ServiceBody;
    expect(asNodePort.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    const back = (await patch('ClusterIP')).json as ServiceBody;
    expect(back.spec.ports[0]?.nodePort).toBeUndefined();
  });
});

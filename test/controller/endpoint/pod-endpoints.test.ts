// The pure parts shared by both endpoint controllers: which pods count, which port a service port
// reaches, the subsets' shape and truncation, and the trigger time.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { findPort, shouldPodBeInEndpoints } from '../../../src/controller/endpoint/pod-endpoints.js';
import { desiredSubsets, MAX_ENDPOINTS_CAPACITY } from '../../../src/controller/endpoint/subsets.js';
import { formatTriggerTime, TriggerTimeTracker } from '../../../src/controller/endpoint/trigger-time-tracker.js';

function pod(name: string, ip: string | undefined, options: { ready?: boolean; phase?: string; restartPolicy?: string; deleting?: boolean; readySince?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'x' }, ...(options.deleting === true ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      ...(options.restartPolicy !== undefined ? { restartPolicy: options.restartPolicy } : {}),
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }],
    },
    status: {
      ...(options.phase !== undefined ? { phase: options.phase } : {}),
      ...(ip !== undefined ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', ...(options.readySince !== undefined ? { lastTransitionTime: options.readySince } : {}) }],
    },
  };
}

const service = (extra: Partial<NonNullable<Service['spec']>> = {}): Service => ({
  metadata: { name: 'svc', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
});

describe('findPort', () => {
  it('takes a number as it is and looks a name up with the same protocol', () => {
    const p = pod('a', '10.0.0.1');
    expect(findPort(p, { port: 80, targetPort: 9000 })).toBe(9000);
    expect(findPort(p, { port: 80, targetPort: '9001' })).toBe(9001);
    expect(findPort(p, { port: 80 })).toBe(80);
    expect(findPort(p, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' })).toBe(5353);
    expect(findPort(p, { port: 53, targetPort: 'dns' })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: 'nope' })).toBeUndefined();
  });
});

describe('shouldPodBeInEndpoints', () => {
  it('skips pods without an IP, finished pods that will not restart, and terminating ones unless asked', () => {
    expect(shouldPodBeInEndpoints(pod('a', undefined), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1'), false)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { restartPolicy: 'Never', phase: 'Succeeded' }), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { restartPolicy: 'OnFailure', phase: 'Failed' }), true)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { restartPolicy: 'Always', phase: 'Succeeded' }), true)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), false)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), true)).toBe(true);
  });
});

describe('desiredSubsets', () => {
  it('groups addresses by port set, ready apart from not ready, sorted by IP', () => {
    const { subsets, truncated } = desiredSubsets(service(), [pod('b', '10.0.0.10'), pod('a', '10.0.0.9'), pod('c', '10.0.0.2', { ready: false })]);
    expect(truncated).toBe(false);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.9', '10.0.0.10']);
    expect(subsets[0]?.notReadyAddresses?.map((a) => a.ip)).toEqual(['10.0.0.2']);
    expect(subsets[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('lists a headless Service without ports by address alone, and nothing for a ported Service whose pods lack the port', () => {
    expect(desiredSubsets(service({ clusterIP: 'None', ports: [] }), [pod('a', '10.0.0.1')]).subsets).toEqual([
      { addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }] },
    ]);
    expect(desiredSubsets(service({ ports: [{ port: 80, targetPort: 'missing' }] }), [pod('a', '10.0.0.1')]).subsets).toEqual([]);
  });

  it('keeps at most 1000 addresses, ready ones first', () => {
    const pods = Array.from({ length: 1200 }, (_, i) => pod(`p${i}`, `10.1.${Math.floor(i / 200)}.${i % 200}`, { ready: i < 900 }));
    const { subsets, truncated } = desiredSubsets(service(), pods);
    expect(truncated).toBe(true);
    const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
    expect([ready, notReady]).toEqual([900, MAX_ENDPOINTS_CAPACITY - 900]);
  });
});

describe('TriggerTimeTracker', () => {
  it('gives the earliest change not yet published: first the Service, then changed pods only', () => {
    const tracker = new TriggerTimeTracker();
    const svc = service();
    const a = pod('a', '10.0.0.1', { readySince: '2026-01-01T00:01:00Z' });
    const b = pod('b', '10.0.0.2', { readySince: '2026-01-01T00:02:00Z' });
    expect(tracker.compute('ns/svc', svc, [a, b])).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(tracker.compute('ns/svc', svc, [a, b])).toBeUndefined();
    const b2 = pod('b', '10.0.0.2', { readySince: '2026-01-01T00:05:00Z' });
    expect(tracker.compute('ns/svc', svc, [a, b2])).toBe(Date.parse('2026-01-01T00:05:00Z'));
    expect(formatTriggerTime(Date.parse('2026-01-01T00:05:00.120Z'))).toBe('2026-01-01T00:05:00.12Z');
    expect(formatTriggerTime(Date.parse('2026-01-01T00:05:00Z'))).toBe('2026-01-01T00:05:00Z');
  });
});

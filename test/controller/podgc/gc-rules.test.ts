// PodGC's choice of pods, without a server.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { terminatedBeyondThreshold, terminatingOnOutOfServiceNodes, unscheduledTerminating } from '../../../src/controller/podgc/gc-rules.js';

function pod(name: string, phase: string, created: string, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name, namespace: 'default', creationTimestamp: created, ...extra.metadata }, spec: { containers: [], ...extra.spec }, status: { phase, ...extra.status } };
}

describe('PodGC rules', () => {
  it('deletes the terminated pods beyond the threshold: evicted first, then oldest, names breaking ties', () => {
    const pods = [
      pod('c', 'Succeeded', '2024-01-01T00:00:02Z'),
      pod('b', 'Failed', '2024-01-01T00:00:01Z'),
      pod('a', 'Failed', '2024-01-01T00:00:01Z'),
      pod('new-evicted', 'Failed', '2024-01-01T00:00:09Z', { status: { reason: 'Evicted' } }),
      pod('running', 'Running', '2024-01-01T00:00:00Z'),
      pod('pending', 'Pending', '2024-01-01T00:00:00Z'),
      pod('unknown', 'Unknown', '2024-01-01T00:00:00Z'),
    ];
    expect(terminatedBeyondThreshold(pods, 2).map((p) => p.metadata?.name)).toEqual(['new-evicted', 'a']);
    expect(terminatedBeyondThreshold(pods, 4)).toEqual([]);
    expect(terminatedBeyondThreshold(pods, 0)).toEqual([]);
  });

  it('force-deletes terminating pods only on not-ready nodes with the out-of-service taint', () => {
    const deleting = { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } };
    const nodes: Record<string, Node> = {
      oos: { metadata: { name: 'oos' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      down: { metadata: { name: 'down' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
      readyOos: { metadata: { name: 'readyOos' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    };
    const pods = [
      pod('x', 'Running', '2024-01-01T00:00:00Z', { ...deleting, spec: { containers: [], nodeName: 'oos' } }),
      pod('alive', 'Running', '2024-01-01T00:00:00Z', { spec: { containers: [], nodeName: 'oos' } }),
      pod('y', 'Running', '2024-01-01T00:00:00Z', { ...deleting, spec: { containers: [], nodeName: 'down' } }),
      pod('z', 'Running', '2024-01-01T00:00:00Z', { ...deleting, spec: { containers: [], nodeName: 'readyOos' } }),
      pod('w', 'Running', '2024-01-01T00:00:00Z', { ...deleting, spec: { containers: [], nodeName: 'missing' } }),
    ];
    expect(terminatingOnOutOfServiceNodes(pods, (n) => nodes[n]).map((p) => p.metadata?.name)).toEqual(['x']);
  });

  it('force-deletes terminating pods that were never scheduled', () => {
    const pods = [
      pod('gone', 'Pending', '2024-01-01T00:00:00Z', { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } }),
      pod('bound', 'Running', '2024-01-01T00:00:00Z', { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [], nodeName: 'n' } }),
      pod('pending', 'Pending', '2024-01-01T00:00:00Z'),
    ];
    expect(unscheduledTerminating(pods).map((p) => p.metadata?.name)).toEqual(['gone']);
  });
});

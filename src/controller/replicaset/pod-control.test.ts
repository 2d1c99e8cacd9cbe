import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { adoptPatch, releasePatch } from './claim.js';
import { controllerRef, podFromTemplate, podNamePrefix, slowStartBatch } from './pod-control.js';

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, ... concurrently and counts successes', async () => {
    // How many were in flight as each call started: a new batch starts again from 1.
    const starts: number[] = [];
    let inFlight = 0;
    const result = await slowStartBatch(10, 1, async () => {
      starts.push(++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    });
    expect(result).toEqual({ successes: 10 });
    expect(starts).toEqual([1, 1, 2, 1, 2, 3, 4, 1, 2, 3]);
  });

  it('stops after the first batch with a failure, reporting the successes and the error', async () => {
    let calls = 0;
    const result = await slowStartBatch(20, 1, () => {
      calls++;
      return calls === 5 ? Promise.reject(new Error('quota')) : Promise.resolve();
    });
    // Batches 1 and 2 pass; the batch of 4 has one failure; nothing after it starts.
    expect(calls).toBe(7);
    expect(result.successes).toBe(6);
    expect(result.error?.message).toBe('quota');
  });

  it('starts no batch once the stop signal fired', async () => {
    const stop = new AbortController();
    let calls = 0;
    const result = await slowStartBatch(
      20,
      1,
      () => {
        calls++;
        if (calls === 3) stop.abort();
        return Promise.resolve();
      },
      stop.signal,
    );
    expect(calls).toBe(3);
    expect(result.successes).toBe(3);
    expect(result.error).toBeInstanceOf(Error);
  });
});

describe('pods from a template', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'prod', uid: 'u-1' } };
  const template: PodTemplateSpec = {
    metadata: { labels: { app: 'web' }, annotations: { a: 'b' }, name: 'ignored' },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  };

  it('copies labels, annotations and spec, names by generateName and is controlled by the owner', () => {
    const pod = podFromTemplate(template, owner, controllerRef(owner, 'apps/v1', 'ReplicaSet'));
    expect(pod.metadata).toEqual({
      generateName: 'web-',
      namespace: 'prod',
      labels: { app: 'web' },
      annotations: { a: 'b' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec).toEqual(template.spec);
    expect(pod.spec).not.toBe(template.spec);
    expect(podNamePrefix('x'.repeat(253))).toBe('x'.repeat(253));
  });

  it('adopts and releases with patches that carry the pod uid as a precondition', () => {
    const ref = controllerRef(owner, 'apps/v1', 'ReplicaSet');
    expect(adoptPatch(ref, 'pod-uid')).toEqual({ metadata: { ownerReferences: [ref], uid: 'pod-uid' } });
    expect(releasePatch('u-1', 'pod-uid')).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: 'u-1' }], uid: 'pod-uid' } });
  });
});

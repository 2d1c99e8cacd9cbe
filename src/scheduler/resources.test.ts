import { describe, expect, it } from 'vitest';
import { makePod } from '../../test/scheduler/builders.js';
import { DEFAULT_MEMORY_REQUEST, amountOf, nonZeroPodRequests, podRequests } from './resources.js';

const c = (name: string, requests: Record<string, string>, restartPolicy?: string) => ({
  name,
  image: 'x',
  resources: { requests },
  ...(restartPolicy === undefined ? {} : { restartPolicy }),
});

describe('resource amounts', () => {
  it('counts cpu in millicores and everything else in units, rounding up', () => {
    expect(amountOf('cpu', '1.5')).toBe(1500n);
    expect(amountOf('cpu', '250m')).toBe(250n);
    expect(amountOf('cpu', 2)).toBe(2000n);
    expect(amountOf('memory', '1Gi')).toBe(1073741824n);
    expect(amountOf('memory', '1.5')).toBe(2n);
    expect(amountOf('nvidia.com/gpu', '2')).toBe(2n);
    expect(amountOf('cpu', 'garbage')).toBe(0n);
  });

  it('sums containers and raises the sum to the largest init container', () => {
    const pod = makePod('p', {
      containers: [c('a', { cpu: '100m', memory: '100Mi' }), c('b', { cpu: '200m', memory: '50Mi' })],
      initContainers: [c('i1', { cpu: '1', memory: '10Mi' }), c('i2', { cpu: '100m', memory: '500Mi' })],
    });
    const r = podRequests(pod);
    expect(r.get('cpu')).toBe(1000n);
    expect(r.get('memory')).toBe(500n * 1024n * 1024n);
  });

  it('adds sidecars (restartPolicy Always) to the pod and to the init containers after them', () => {
    const pod = makePod('p', {
      containers: [c('a', { cpu: '100m' })],
      initContainers: [c('before', { cpu: '300m' }), c('sidecar', { cpu: '200m' }, 'Always'), c('after', { cpu: '250m' })],
    });
    // containers 100m + sidecar 200m = 300m; init steps: 300m, 200m, 250m+200m = 450m
    expect(podRequests(pod).get('cpu')).toBe(450n);
  });

  it('counts a limit without a request as the request, and adds overhead', () => {
    const pod = makePod('p', {
      containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { memory: '256Mi' } } }],
      spec: { overhead: { cpu: '50m' } },
    });
    const r = podRequests(pod);
    expect(r.get('cpu')).toBe(550n);
    expect(r.get('memory')).toBe(256n * 1024n * 1024n);
  });

  it('gives containers without cpu or memory requests the default for scoring, not for fitting', () => {
    const pod = makePod('p', { containers: [c('a', { cpu: '1' }), { name: 'b', image: 'x' }] });
    expect(podRequests(pod).get('memory')).toBeUndefined();
    expect(nonZeroPodRequests(pod)).toEqual({ cpu: 1100n, memory: 2n * DEFAULT_MEMORY_REQUEST });
  });
});

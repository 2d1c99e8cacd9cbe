import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { formatGoDuration } from './go-duration.js';
import { effectivePullPolicy } from './image-puller.js';

describe('Backoff', () => {
  it('doubles each failure up to the cap, and starts over after a quiet spell', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 50 });
    b.next('k', 0);
    expect(b.delay('k')).toBe(10);
    b.next('k', 1);
    b.next('k', 2);
    expect(b.delay('k')).toBe(40);
    b.next('k', 3);
    expect(b.delay('k')).toBe(50);
    expect(b.isInBackOffSince('k', 3, 40)).toBe(true);
    expect(b.isInBackOffSince('k', 3, 60)).toBe(false);
    expect(b.remainingSince('k', 3, 40)).toBe(13);
    b.next('k', 200);
    expect(b.delay('k')).toBe(10);
  });
});

describe('formatGoDuration', () => {
  it('prints as Go does', () => {
    expect(formatGoDuration(10_000)).toBe('10s');
    expect(formatGoDuration(80_000)).toBe('1m20s');
    expect(formatGoDuration(300_000)).toBe('5m0s');
    expect(formatGoDuration(1_500)).toBe('1.5s');
  });
});

describe('effectivePullPolicy', () => {
  it('defaults as Kubernetes does', () => {
    expect(effectivePullPolicy({ name: 'a', image: 'busybox' })).toBe('Always');
    expect(effectivePullPolicy({ name: 'a', image: 'busybox:latest' })).toBe('Always');
    expect(effectivePullPolicy({ name: 'a', image: 'localhost:5000/busybox' })).toBe('Always');
    expect(effectivePullPolicy({ name: 'a', image: 'busybox:1.36' })).toBe('IfNotPresent');
    expect(effectivePullPolicy({ name: 'a', image: 'busybox@sha256:abc' })).toBe('IfNotPresent');
    expect(effectivePullPolicy({ name: 'a', image: 'busybox:1.36', imagePullPolicy: 'Never' })).toBe('Never');
  });
});

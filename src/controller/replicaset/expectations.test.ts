import { describe, expect, it } from 'vitest';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS, UIDTrackingControllerExpectations } from '../expectations.js';

describe('ControllerExpectations', () => {
  it('is satisfied with no expectations, blocks until all adds are observed, and ignores extra observations', () => {
    const e = new ControllerExpectations();
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.creationObserved('ns/a');
    expect(e.getExpectations('ns/a')).toBeUndefined();
    e.expectCreations('ns/a', 2);
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.creationObserved('ns/a');
    expect(e.getExpectations('ns/a')?.add).toBe(-1);
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.raiseExpectations('ns/a', 2, 0);
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.deleteExpectations('ns/a');
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
  });

  it('expires unmet expectations after the timeout, so a lost event cannot stall a controller', () => {
    let now = 1_000_000;
    const e = new ControllerExpectations({ now: () => now });
    e.expectDeletions('ns/b', 3);
    now += EXPECTATIONS_TIMEOUT_MS;
    expect(e.satisfiedExpectations('ns/b')).toBe(false);
    now += 1;
    expect(e.satisfiedExpectations('ns/b')).toBe(true);
  });

  it('counts each expected deletion once, by object key', () => {
    const e = new UIDTrackingControllerExpectations();
    e.expectDeletionsOf('ns/c', ['ns/p1', 'ns/p2']);
    expect(e.satisfiedExpectations('ns/c')).toBe(false);
    e.deletionOf('ns/c', 'ns/p1');
    e.deletionOf('ns/c', 'ns/p1');
    e.deletionOf('ns/c', 'ns/unexpected');
    expect(e.getExpectations('ns/c')?.del).toBe(1);
    e.deletionOf('ns/c', 'ns/p2');
    expect(e.satisfiedExpectations('ns/c')).toBe(true);
    e.deleteExpectations('ns/c');
    expect(e.getUIDs('ns/c')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { RetentionPolicy } from './compactor.js';

describe('RetentionPolicy', () => {
  it('compacts nothing until history is older than the window', () => {
    const policy = new RetentionPolicy(60_000, 10);
    expect(policy.target(0, 100, 0)).toBe(0);
    expect(policy.target(30_000, 200, 0)).toBe(0);
  });

  it('compacts to the newest revision that left the window', () => {
    const policy = new RetentionPolicy(60_000, 10);
    policy.target(0, 100, 0);
    policy.target(30_000, 200, 0);
    expect(policy.target(60_000, 300, 0)).toBe(100);
    expect(policy.target(95_000, 400, 100)).toBe(200);
  });

  it('always keeps the minimum number of revisions', () => {
    const policy = new RetentionPolicy(1_000, 1000);
    policy.target(0, 1500, 0);
    expect(policy.target(2_000, 1600, 0)).toBe(600);
    expect(policy.target(4_000, 1700, 600)).toBe(700);
  });

  it('never goes backwards', () => {
    const policy = new RetentionPolicy(1_000, 1);
    policy.target(0, 50, 0);
    expect(policy.target(2_000, 60, 80)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { makePod } from '../../test/scheduler/builders.js';
import { FitError, reasonHistogram } from './fit-error.js';
import type { FilterFailure } from './plugins/types.js';

const cpu: FilterFailure = { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] };
const cpuMem: FilterFailure = { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] };
const affinity: FilterFailure = { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };

describe('FitError', () => {
  it('words the failure as upstream, reasons sorted, with the preemption verdict', () => {
    const err = new FitError(makePod('p'), 3, new Map([['a', cpu], ['b', affinity], ['c', affinity]]));
    expect(err.message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('counts every reason of a node, and all nodes for preemption', () => {
    const err = new FitError(makePod('p'), 2, new Map([['a', cpuMem], ['b', cpu]]));
    expect(err.message).toBe(
      '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('says a pod with preemptionPolicy Never is not eligible', () => {
    const err = new FitError(makePod('p', { spec: { preemptionPolicy: 'Never' } }), 1, new Map([['a', cpu]]));
    expect(err.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('sorts as strings, count first, as Go sort.Strings does', () => {
    const perNode = [...Array<string[]>(10).fill(['b reason']), ['a reason'], ['a reason']];
    expect(reasonHistogram(perNode)).toEqual(['10 b reason', '2 a reason']);
  });
});

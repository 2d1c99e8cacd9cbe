import { describe, expect, it } from 'vitest';
import type { NodeSelectorRequirement } from 'kubernetes-types/core/v1.js';
import { makeNode, makePod } from '../../test/scheduler/builders.js';
import { podMatchesNode, preferredWeight, termMatches } from './node-selector.js';

const node = makeNode('n1', { labels: { zone: 'a', disk: 'ssd', cores: '8' } });
const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({ key, operator, ...(values ? { values } : {}) });
const term = (...matchExpressions: NodeSelectorRequirement[]) => ({ matchExpressions });

describe('node selector terms', () => {
  it.each([
    [expr('zone', 'In', ['a', 'b']), true],
    [expr('zone', 'In', ['b']), false],
    [expr('absent', 'In', ['']), false],
    [expr('zone', 'NotIn', ['b']), true],
    [expr('zone', 'NotIn', ['a']), false],
    [expr('absent', 'NotIn', ['a']), true],
    [expr('disk', 'Exists'), true],
    [expr('absent', 'Exists'), false],
    [expr('absent', 'DoesNotExist'), true],
    [expr('disk', 'DoesNotExist'), false],
    [expr('cores', 'Gt', ['4']), true],
    [expr('cores', 'Gt', ['8']), false],
    [expr('cores', 'Lt', ['16']), true],
    [expr('zone', 'Gt', ['1']), false],
    [expr('absent', 'Lt', ['1']), false],
    [expr('cores', 'Gt', ['x']), false],
    [expr('cores', 'Gt', ['1', '2']), false],
    [expr('zone', 'Bogus', ['a']), false],
  ])('%j matches: %s', (r, want) => {
    expect(termMatches(term(r), node)).toBe(want);
  });

  it('ANDs the expressions of a term and treats an empty term as matching nothing', () => {
    expect(termMatches(term(expr('zone', 'In', ['a']), expr('disk', 'In', ['ssd'])), node)).toBe(true);
    expect(termMatches(term(expr('zone', 'In', ['a']), expr('disk', 'In', ['hdd'])), node)).toBe(false);
    expect(termMatches({}, node)).toBe(false);
  });

  it('selects metadata.name by field with In and NotIn only', () => {
    expect(termMatches({ matchFields: [expr('metadata.name', 'In', ['n1'])] }, node)).toBe(true);
    expect(termMatches({ matchFields: [expr('metadata.name', 'In', ['n2'])] }, node)).toBe(false);
    expect(termMatches({ matchFields: [expr('metadata.name', 'NotIn', ['n2'])] }, node)).toBe(true);
    expect(termMatches({ matchFields: [expr('metadata.name', 'Exists')] }, node)).toBe(false);
    expect(termMatches({ matchFields: [expr('metadata.uid', 'In', ['uid-n1'])] }, node)).toBe(false);
  });
});

describe('pods against nodes', () => {
  it('needs every nodeSelector label and one matching required term', () => {
    expect(podMatchesNode(makePod('p', { nodeSelector: { zone: 'a' } }), node)).toBe(true);
    expect(podMatchesNode(makePod('p', { nodeSelector: { zone: 'a', disk: 'hdd' } }), node)).toBe(false);
    const affinity = (terms: ReturnType<typeof term>[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
    expect(podMatchesNode(makePod('p', { spec: { affinity: affinity([term(expr('zone', 'In', ['b'])), term(expr('disk', 'Exists'))]) } }), node)).toBe(true);
    expect(podMatchesNode(makePod('p', { spec: { affinity: affinity([term(expr('zone', 'In', ['b']))]) } }), node)).toBe(false);
    expect(podMatchesNode(makePod('p', { nodeSelector: { zone: 'b' }, spec: { affinity: affinity([term(expr('disk', 'Exists'))]) } }), node)).toBe(false);
  });

  it('sums the weights of the preferred terms the node matches', () => {
    const pod = makePod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: term(expr('zone', 'In', ['a'])) },
              { weight: 5, preference: term(expr('disk', 'In', ['hdd'])) },
              { weight: 3, preference: term(expr('cores', 'Gt', ['2'])) },
              { weight: 7, preference: {} },
            ],
          },
        },
      },
    });
    expect(preferredWeight(pod, node)).toBe(13);
  });
});

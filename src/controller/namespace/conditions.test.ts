// The namespace deletion conditions, as upstream's namespaceConditionUpdater writes them.
import type { NamespaceStatus } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { GroupDiscoveryFailedError } from '../../client/discovery.js';
import { CONDITION_TYPES, NamespaceConditionUpdater } from './conditions.js';

const at = (iso: string) => () => new Date(iso);
const empty = { remainingByResource: new Map<string, number>(), remainingByFinalizer: new Map<string, number>() };

describe('NamespaceConditionUpdater', () => {
  it('with nothing wrong, writes every condition False with upstream reasons, in upstream order', () => {
    const status: NamespaceStatus = { phase: 'Terminating' };
    const updater = new NamespaceConditionUpdater(at('2025-03-01T10:00:00.500Z'));
    updater.contentTotals(empty);
    expect(updater.update(status)).toBe(true);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
    ]);
    expect(status.conditions?.[4]?.message).toBe('All content-preserving finalizers finished');
    expect(status.conditions?.every((c) => c.lastTransitionTime === '2025-03-01T10:00:00Z')).toBe(true);
    // The same again changes nothing.
    const again = new NamespaceConditionUpdater(at('2025-03-01T10:05:00Z'));
    expect(again.update(status)).toBe(false);
    expect(CONDITION_TYPES.length).toBe(5);
  });

  it('words failures and remaining content as upstream, sorted', () => {
    const status: NamespaceStatus = {};
    const updater = new NamespaceConditionUpdater(at('2025-03-01T10:00:00Z'));
    updater.discoveryFailed(new GroupDiscoveryFailedError(new Map([['b.example.com/v1', new Error('down')], ['a.example.com/v1', new Error('503')]])));
    updater.groupVersionParsingFailed(new Error('unexpected GroupVersion string: a/b/c'));
    updater.deleteContentFailed(new Error('unexpected items still remain in namespace: x for gvr: /v1, Resource=pods'));
    updater.deleteContentFailed(new Error('DELETE /apis/apps/v1/namespaces/x/deployments: HTTP 500'));
    updater.contentTotals({
      remainingByResource: new Map([['pods.', 2], ['deployments.apps', 1], ['configmaps.', 0]]),
      remainingByFinalizer: new Map([['example.com/b', 1], ['example.com/a', 2]]),
    });
    updater.update(status);
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`]));
    expect(byType).toEqual({
      NamespaceDeletionDiscoveryFailure:
        'True DiscoveryFailed: Discovery failed for some groups, 2 failing: unable to retrieve the complete list of server APIs: a.example.com/v1: 503, b.example.com/v1: down',
      NamespaceDeletionGroupVersionParsingFailure: 'True GroupVersionParsingFailed: unexpected GroupVersion string: a/b/c',
      NamespaceDeletionContentFailure:
        'True ContentDeletionFailed: Failed to delete all resource types, 2 remaining: DELETE /apis/apps/v1/namespaces/x/deployments: HTTP 500, unexpected items still remain in namespace: x for gvr: /v1, Resource=pods',
      NamespaceContentRemaining: 'True SomeResourcesRemain: Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances',
      NamespaceFinalizersRemaining:
        'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances',
    });
  });

  it('moves lastTransitionTime only when the status flips', () => {
    const status: NamespaceStatus = {};
    const first = new NamespaceConditionUpdater(at('2025-03-01T10:00:00Z'));
    first.contentTotals({ remainingByResource: new Map([['pods.', 1]]), remainingByFinalizer: new Map() });
    first.update(status);
    const second = new NamespaceConditionUpdater(at('2025-03-01T10:01:00Z'));
    second.contentTotals({ remainingByResource: new Map([['pods.', 3]]), remainingByFinalizer: new Map() });
    expect(second.update(status)).toBe(true);
    const remaining = () => status.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
    expect(remaining()?.message).toBe('Some resources are remaining: pods. has 3 resource instances');
    expect(remaining()?.lastTransitionTime).toBe('2025-03-01T10:00:00Z');
    const third = new NamespaceConditionUpdater(at('2025-03-01T10:02:00Z'));
    third.contentTotals(empty);
    expect(third.update(status)).toBe(true);
    expect(remaining()?.status).toBe('False');
    expect(remaining()?.lastTransitionTime).toBe('2025-03-01T10:02:00Z');
  });
});

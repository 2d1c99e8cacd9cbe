// The namespace's status conditions while it is deleted (upstream's namespaceConditionUpdater):
// each pass of the deleter collects what went wrong and what remains, and every condition type is
// then written, True with what failed or False with upstream's "all is well" reason and message.
import type { NamespaceCondition, NamespaceStatus } from 'kubernetes-types/core/v1.js';
import { GroupDiscoveryFailedError } from '../../client/discovery.js';

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export type NamespaceConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What is left in the namespace: per resource ("pods." for core) and per finalizer. */
export interface ContentTotals {
  readonly remainingByResource: ReadonlyMap<string, number>;
  readonly remainingByFinalizer: ReadonlyMap<string, number>;
}

/** Kubernetes timestamps: RFC 3339, whole seconds. */
const timestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

export class NamespaceConditionUpdater {
  private readonly conditions: NamespaceCondition[] = [];
  private readonly contentErrors: Error[] = [];

  constructor(private readonly now: () => Date) {}

  discoveryFailed(error: Error): void {
    const message =
      error instanceof GroupDiscoveryFailedError ? `Discovery failed for some groups, ${error.groups.size} failing: ${error.message}` : error.message;
    this.add('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', message);
  }

  groupVersionParsingFailed(error: Error): void {
    this.add('NamespaceDeletionGroupVersionParsingFailure', 'GroupVersionParsingFailed', error.message);
  }

  deleteContentFailed(error: Error): void {
    this.contentErrors.push(error);
  }

  contentTotals(totals: ContentTotals): void {
    const resources = [...totals.remainingByResource].filter(([, n]) => n > 0).map(([resource, n]) => `${resource} has ${n} resource instances`);
    if (resources.length > 0) {
      this.add('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${resources.sort().join(', ')}`);
    }
    const finalizers = [...totals.remainingByFinalizer].filter(([, n]) => n > 0).map(([finalizer, n]) => `${finalizer} in ${n} resource instances`);
    if (finalizers.length > 0) {
      this.add('NamespaceFinalizersRemaining', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.sort().join(', ')}`);
    }
  }

  /** Writes every condition type into `status` (in place); true if anything changed. */
  update(status: NamespaceStatus): boolean {
    if (this.contentErrors.length > 0 && !this.conditions.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const messages = this.contentErrors.map((e) => e.message).sort();
      this.add(
        'NamespaceDeletionContentFailure',
        'ContentDeletionFailed',
        `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`,
      );
    }
    let changed = false;
    const current = (status.conditions ??= []);
    for (const type of CONDITION_TYPES) {
      const wanted = this.conditions.find((c) => c.type === type) ?? this.make(type, 'False', OK[type].reason, OK[type].message);
      const old = current.find((c) => c.type === type);
      if (old === undefined) {
        current.push(wanted);
        changed = true;
      } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
        if (old.status !== wanted.status) old.lastTransitionTime = timestamp(this.now());
        old.status = wanted.status;
        old.reason = wanted.reason;
        old.message = wanted.message;
        changed = true;
      }
    }
    return changed;
  }

  private add(type: NamespaceConditionType, reason: string, message: string): void {
    this.conditions.push(this.make(type, 'True', reason, message));
  }

  private make(type: NamespaceConditionType, status: 'True' | 'False', reason: string, message: string): NamespaceCondition {
    return { type, status, lastTransitionTime: timestamp(this.now()), reason, message };
  }
}

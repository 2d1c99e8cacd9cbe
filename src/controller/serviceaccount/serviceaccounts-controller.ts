// The ServiceAccounts controller (upstream pkg/controller/serviceaccount): every active namespace
// has a "default" ServiceAccount, created when a namespace appears and again whenever someone
// deletes it. Keys are namespace names. Nothing is remembered: each sync reads the caches and
// creates what is missing, so a restart at any point converges, and AlreadyExists means done.
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isForbidden, isNotFound, type ApiError } from '../../client/client-errors.js';
import type { Informer } from '../../client/informer.js';
import { Namespaces, ServiceAccounts } from '../../client/resource-types.js';
import type { ControllerContext } from '../controller.js';
import { QueueController } from '../queue-controller.js';

export interface ServiceAccountsControllerOptions {
  /** The accounts every namespace gets (upstream's --service-account-names; default ["default"]). */
  readonly names?: readonly string[];
}

export class ServiceAccountsController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly accounts: Informer<ServiceAccount>;
  private readonly names: readonly string[];

  constructor(context: ControllerContext, options: ServiceAccountsControllerOptions = {}) {
    super('serviceaccount-controller', context, { workers: 1 });
    this.names = options.names ?? ['default'];
    this.namespaces = context.informers.for<Namespace>(Namespaces);
    this.accounts = context.informers.for<ServiceAccount>(ServiceAccounts);
    this.namespaces.onAdd((ns) => this.enqueue(ns));
    this.namespaces.onUpdate((_, ns) => this.enqueue(ns));
    this.accounts.onDelete((sa) => {
      if (sa.metadata?.namespace !== undefined && this.names.includes(sa.metadata.name ?? '')) this.queue.add(sa.metadata.namespace);
    });
  }

  protected async reconcile(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    // Nothing to create in a namespace that is gone or going (its content is being deleted).
    if (ns === undefined || ns.status?.phase !== 'Active' || ns.metadata?.deletionTimestamp !== undefined) return;
    for (const account of this.names) {
      if (this.accounts.get(`${name}/${account}`) !== undefined) continue;
      try {
        await this.context.client.create<ServiceAccount>(ServiceAccounts, { metadata: { name: account, namespace: name } });
      } catch (error) {
        if (isAlreadyExists(error) || isNotFound(error) || isNamespaceTerminating(error)) continue;
        throw error;
      }
    }
  }
}

/** The 403 the API server gives for a create in a terminating namespace: no point retrying. */
function isNamespaceTerminating(error: unknown): boolean {
  if (!isForbidden(error)) return false;
  const status = (error as ApiError).statusObject;
  return status?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') === true || /being terminated/.test((error as ApiError).message);
}

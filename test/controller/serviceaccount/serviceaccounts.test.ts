// The ServiceAccounts controller against a real API server: a default account in every active
// namespace, recreated when deleted, none in a terminating namespace, and a restart converges.
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Namespaces, ServiceAccounts } from '../../../src/client/resource-types.js';
import { serviceAccountController } from '../../../src/controller/serviceaccount/index.js';
import { startTestControllers, type TestControllers } from '../../support/controllers.js';
import { waitFor } from '../../support/wait.js';

describe('ServiceAccounts controller', () => {
  let t: TestControllers;

  beforeAll(async () => {
    t = await startTestControllers([serviceAccountController]);
  });
  afterAll(async () => {
    await t.stop();
  });

  const account = async (namespace: string): Promise<ServiceAccount | undefined> => {
    try {
      return await t.client.get<ServiceAccount>(ServiceAccounts, 'default', namespace);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const createNamespace = (name: string): Promise<Namespace> => t.client.create<Namespace>(Namespaces, { metadata: { name } });

  it('gives every namespace that exists at start a default account', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await waitFor(() => account(ns), { what: `the default account in ${ns}` });
    }
  });

  it('creates the account in a new namespace and recreates it when deleted', async () => {
    await createNamespace('team-a');
    const first = await waitFor(() => account('team-a'), { what: 'the default account in team-a' });
    await t.client.delete(ServiceAccounts, 'default', 'team-a');
    const second = await waitFor(async () => {
      const sa = await account('team-a');
      return sa !== undefined && sa.metadata?.uid !== first.metadata?.uid ? sa : undefined;
    }, { what: 'the default account recreated' });
    expect(second.metadata?.name).toBe('default');
    // Exactly one, no strays under other names.
    const all = await t.client.list<ServiceAccount>(ServiceAccounts, { namespace: 'team-a' });
    expect(all.items.map((sa) => sa.metadata?.name)).toEqual(['default']);
  });

  it('creates nothing in a terminating namespace', async () => {
    await createNamespace('leaving');
    await waitFor(() => account('leaving'), { what: 'the default account in leaving' });
    // No namespace controller runs here, so the namespace stays Terminating with its content.
    await t.client.delete(Namespaces, 'leaving');
    await waitFor(async () => (await t.client.get<Namespace>(Namespaces, 'leaving')).status?.phase === 'Terminating', { what: 'Terminating' });
    await t.client.delete(ServiceAccounts, 'default', 'leaving');
    // One worker, keys in order: once a later namespace has its account, "leaving" was synced.
    await createNamespace('after-leaving');
    await waitFor(() => account('after-leaving'), { what: 'the default account in after-leaving' });
    expect(await account('leaving')).toBeUndefined();
  });

  it('converges after a restart for namespaces made while it was down', async () => {
    await t.stopControllers();
    await createNamespace('while-down');
    expect(await account('while-down')).toBeUndefined();
    await t.restartControllers();
    await waitFor(() => account('while-down'), { what: 'the default account in while-down' });
  });
});

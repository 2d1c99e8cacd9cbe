// Small helpers for tests that run pods: wait on a pod's status, read its events.
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../src/client/client-errors.js';
import type { RestClient } from '../../src/client/rest-client.js';
import { Events, Pods } from '../../src/client/resource-types.js';
import { waitFor } from './wait.js';

export const BUSYBOX = 'supernetes.local/busybox:latest';

/** Waits until the pod satisfies `test`; the failure says what the pod looked like last. */
export async function waitForPod(client: RestClient, name: string, test: (pod: Pod) => boolean, what: string, timeoutMs = 120_000, namespace = 'default'): Promise<Pod> {
  let last: Pod | undefined;
  try {
    return await waitFor(async () => {
      last = await client.get<Pod>(Pods, name, namespace);
      return test(last) ? last : undefined;
    }, { what: `pod ${name}: ${what}`, timeoutMs, intervalMs: 100 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last status: ${JSON.stringify(last?.status)}`);
  }
}

export async function waitForPodGone(client: RestClient, name: string, timeoutMs = 120_000, namespace = 'default'): Promise<void> {
  await waitFor(async () => {
    try {
      await client.get<Pod>(Pods, name, namespace);
      return false;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  }, { what: `pod ${name} to be gone`, timeoutMs, intervalMs: 100 });
}

export function containerStatus(pod: Pod, name: string): NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number] | undefined {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c) => c.name === name);
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export async function eventsOf(client: RestClient, podName: string, namespace = 'default'): Promise<Event[]> {
  const list = await client.list<Event>(Events, { namespace, fieldSelector: `involvedObject.name=${podName}` });
  return list.items;
}

export async function waitForEvent(client: RestClient, podName: string, reason: string, pattern: RegExp, timeoutMs = 60_000): Promise<Event> {
  return waitFor(async () => (await eventsOf(client, podName)).find((e) => e.reason === reason && pattern.test(e.message ?? '')), {
    what: `an event ${reason} ${String(pattern)} for pod ${podName}`, timeoutMs, intervalMs: 200,
  });
}

/** A pod manifest with one busybox container running `script` under sh. */
export function shellPod(name: string, script: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', script] }], ...extra },
  };
}

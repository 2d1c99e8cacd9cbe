// Small helpers for Job controller tests: build Jobs, read their pods and events, and play the
// superlet's part by writing pod phases through pods/status.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Event, Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../../src/client/client-errors.js';
import { Events, Jobs, Namespaces, Pods } from '../../../src/client/resource-types.js';
import type { RestClient } from '../../../src/client/rest-client.js';
import { waitFor } from '../../support/wait.js';

let counter = 0;

/** A fresh namespace for one test. */
export async function newNamespace(client: RestClient, prefix: string): Promise<string> {
  const name = `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  await client.create<Namespace>(Namespaces, { metadata: { name } });
  return name;
}

export function jobObject(name: string, namespace: string, spec: Partial<NonNullable<Job['spec']>> = {}, env: Record<string, string> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      template: {
        metadata: { labels: { app: name } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'supernetes.local/busybox:latest', env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) }],
        },
      },
      ...spec,
    },
  };
}

export async function createJob(client: RestClient, job: Job): Promise<Job> {
  return client.create<Job>(Jobs, job);
}

export async function getJob(client: RestClient, namespace: string, name: string): Promise<Job> {
  return client.get<Job>(Jobs, name, namespace);
}

/** The pods of a Job (by the job-name label the controller puts on them), oldest first. */
export async function jobPods(client: RestClient, namespace: string, jobName: string): Promise<Pod[]> {
  const { items } = await client.list<Pod>(Pods, { namespace, labelSelector: `batch.kubernetes.io/job-name=${jobName}` });
  return items.sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export const isActivePod = (pod: Pod): boolean => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && pod.metadata?.deletionTimestamp === undefined;

/** Plays the superlet: the pod finished with this phase. */
export async function finishPod(client: RestClient, pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const now = new Date().toISOString();
  const exitCode = phase === 'Succeeded' ? 0 : 1;
  await client.patch(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace, {
    status: {
      phase,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }],
      containerStatuses: [{ name: 'main', image: 'supernetes.local/busybox:latest', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: now, reason: phase === 'Succeeded' ? 'Completed' : 'Error' } } }],
    },
  }, 'merge', { subresource: 'status' });
}

export function condition(job: Job, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

/** Waits for the Job to satisfy `test`; the failure shows its last status. */
export async function waitForJob(client: RestClient, namespace: string, name: string, test: (job: Job) => boolean, what: string, timeoutMs = 20_000): Promise<Job> {
  let last: Job | undefined;
  try {
    return await waitFor(async () => {
      last = await getJob(client, namespace, name);
      return test(last) ? last : undefined;
    }, { what: `job ${name}: ${what}`, timeoutMs, intervalMs: 50 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last status: ${JSON.stringify(last?.status)}`);
  }
}

export async function waitForJobGone(client: RestClient, namespace: string, name: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => {
    try {
      await getJob(client, namespace, name);
      return false;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  }, { what: `job ${name} to be deleted`, timeoutMs, intervalMs: 50 });
}

/** "reason: message" of every event about the object, oldest first. */
export async function eventsFor(client: RestClient, namespace: string, name: string): Promise<string[]> {
  const { items } = await client.list<Event>(Events, { namespace });
  return items
    .filter((e) => e.involvedObject.name === name)
    .sort((a, b) => (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? ''))
    .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
}

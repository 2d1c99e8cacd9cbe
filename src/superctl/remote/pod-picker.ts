// Which pod and container a command talking to one container means, kubectl's way: a pod by
// name, or for a workload (deploy/web, rs/x, job/y, svc/z) the best of the pods its selector
// matches (ready before not ready, running before pending, then the newest); the container named
// with -c, else the kubectl.kubernetes.io/default-container annotation, else the first.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../client/resource-types.js';
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { displayName, groupResource, resolveOneTarget } from './object-target.js';

const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

export function selectorString(selector: LabelSelector | Record<string, string> | undefined): string {
  if (selector === undefined) return '';
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const labels = isLabelSelector ? ((selector as LabelSelector).matchLabels ?? {}) : (selector as Record<string, string>);
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (isLabelSelector) {
    for (const e of (selector as LabelSelector).matchExpressions ?? []) {
      if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
      else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
      else if (e.operator === 'Exists') parts.push(e.key);
      else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    }
  }
  return parts.join(',');
}

function rank(pod: Pod): number[] {
  const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const phase = pod.status?.phase === 'Running' ? 0 : pod.status?.phase === 'Pending' ? 1 : 2;
  const created = Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
  return [pod.metadata?.deletionTimestamp === undefined ? 0 : 1, ready ? 0 : 1, phase, -created];
}

/** Pods ordered the way kubectl picks one: the best first. */
export function byPreference(pods: Pod[]): Pod[] {
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if ((ra[i] ?? 0) !== (rb[i] ?? 0)) return (ra[i] ?? 0) - (rb[i] ?? 0);
    return 0;
  });
}

/** The label selector of a workload or service, as a query string. */
export function workloadSelector(obj: KubeObject & { spec?: { selector?: LabelSelector | Record<string, string> } }, kind: string): string {
  const selector = obj.spec?.selector;
  if (kind === 'Service' || kind === 'ReplicationController') return selectorString(selector);
  if (kind === 'CronJob') throw new CliError('error: a cron job has no pods of its own: name one of its jobs');
  return selectorString(selector);
}

/** The pods a TYPE/NAME argument stands for: the pod itself, or the workload's, best first. */
export async function podsFor(ctx: CliContext, arg: string): Promise<{ pods: Pod[]; fromWorkload: boolean }> {
  const target = await resolveOneTarget(ctx, [arg], 'pods');
  const client = await ctx.client();
  if (target.resource.kind === 'Pod') return { pods: [await client.get<Pod>(Pods, target.name, target.namespace)], fromWorkload: false };
  const obj = await client.get<KubeObject & { spec?: { selector?: LabelSelector } }>(target.resource, target.name, target.namespace);
  const selector = workloadSelector(obj, target.resource.kind);
  if (selector === '') throw new CliError(`error: ${displayName(target.resource, target.name)} has no pod selector`);
  const list = await client.list<Pod>(Pods, { namespace: target.namespace ?? (await ctx.namespace()), labelSelector: selector });
  if (list.items.length === 0) throw new CliError(`error: no pods found for ${groupResource(target.resource)} "${target.name}" (selector ${selector})`);
  return { pods: byPreference(list.items), fromWorkload: true };
}

/** The one pod for exec or logs; "Found N pods, using pod/X" on stderr when there was a choice. */
export async function pickPod(ctx: CliContext, arg: string): Promise<Pod> {
  const { pods, fromWorkload } = await podsFor(ctx, arg);
  const pod = pods[0] as Pod;
  if (fromWorkload && pods.length > 1) ctx.err(`Found ${pods.length} pods, using pod/${pod.metadata?.name ?? ''}\n`);
  return pod;
}

/** The container -c names, else the default one; "Defaulted container" on stderr when there was a choice. */
export function pickContainer(ctx: CliContext, pod: Pod, requested: string | undefined, quiet = false): string {
  const containers = pod.spec?.containers ?? [];
  const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  const podName = pod.metadata?.name ?? '';
  if (requested !== undefined) {
    if (!all.some((c) => c.name === requested)) {
      throw new CliError(`error: container ${requested} is not valid for pod ${podName} (it has: ${containers.map((c) => c.name).join(', ')})`);
    }
    return requested;
  }
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER];
  if (annotated !== undefined && containers.some((c) => c.name === annotated)) return annotated;
  const first = containers[0]?.name;
  if (first === undefined) throw new CliError(`error: pod ${podName} has no containers`);
  if (containers.length > 1 && !quiet) ctx.err(`Defaulted container "${first}" out of: ${containers.map((c) => c.name).join(', ')}\n`);
  return first;
}

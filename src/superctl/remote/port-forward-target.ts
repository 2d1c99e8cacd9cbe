// The pod `port-forward TYPE/NAME` reaches: a pod by name, or for anything with a pod selector
// (svc, deploy, rs, sts, ...) the best pod it selects, waiting up to --pod-running-timeout for one to
// exist (kubectl's GetFirstPod). A service also comes back: its ports map to the pod's.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../client/resource-types.js';
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { groupResource, resolveOneTarget } from './object-target.js';
import { byPreference, workloadSelector } from './pod-picker.js';

const POLL_MS = 1000;

export interface ForwardTarget {
  readonly pod: Pod;
  readonly service?: Service;
}

export async function forwardTarget(ctx: CliContext, arg: string, podWaitMs: number): Promise<ForwardTarget> {
  const target = await resolveOneTarget(ctx, [arg], 'pods');
  const client = await ctx.client();
  const namespace = target.namespace ?? (await ctx.namespace());
  const chosen = await (async (): Promise<ForwardTarget> => {
    if (target.resource.kind === 'Pod') return { pod: await client.get<Pod>(Pods, target.name, namespace) };
    const obj = await client.get<KubeObject & { spec?: { selector?: LabelSelector } }>(target.resource, target.name, namespace);
    const selector = workloadSelector(obj, target.resource.kind);
    if (selector === '') throw new CliError(`error: cannot attach to ${groupResource(target.resource)} "${target.name}": it has no pod selector`);
    const deadline = Date.now() + podWaitMs;
    for (;;) {
      const pods = (await client.list<Pod>(Pods, { namespace, labelSelector: selector })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
      const best = byPreference(pods)[0];
      if (best !== undefined) return { pod: best, ...(target.resource.kind === 'Service' ? { service: obj as Service } : {}) };
      if (Date.now() >= deadline) throw new CliError(`error: timed out waiting for a pod of ${groupResource(target.resource)} "${target.name}" (selector ${selector})`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  })();
  const phase = chosen.pod.status?.phase;
  if (phase !== 'Running') throw new CliError(`error: unable to forward port because pod is not running. Current status=${phase ?? ''}`);
  return chosen;
}

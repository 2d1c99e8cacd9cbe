// superctl drain: cordon the node, then evict its pods through pods/eviction (so disruption rules
// are honoured), retrying while an eviction is refused with 429, and wait until they are gone.
// kubectl's filters and flags (--ignore-daemonsets, --delete-emptydir-data, --force,
// --grace-period, --timeout, --pod-selector, --disable-eviction) and lines; on a terminal a bar
// shows how many pods are gone.
import type { Command } from 'commander';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound, isTooManyRequests } from '../../client/client-errors.js';
import { Pods } from '../../client/resource-types.js';
import type { RestClient } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { planDrain } from '../remote/drain-plan.js';
import { nodeNames } from '../remote/node-targets.js';
import { parseDuration } from '../remote/watch-object.js';
import { setUnschedulable } from './cordon.js';

interface DrainOptions {
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  force?: boolean;
  gracePeriod: string;
  timeout: string;
  podSelector?: string;
  selector?: string;
  disableEviction?: boolean;
}

const RETRY_MS = 5000;
const POLL_MS = 1000;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

export function register(program: Command, ctx: CliContext): void {
  program
    .command('drain')
    .description('Drain a node for maintenance: cordon it, then evict its pods')
    .argument('[node...]', 'node names')
    .option('--ignore-daemonsets', 'leave DaemonSet-managed pods where they are')
    .option('--delete-emptydir-data', 'evict pods with emptyDir volumes (their data is lost)')
    .option('--force', 'also evict pods no controller would replace')
    .option('--grace-period <seconds>', "the pods' termination grace period (-1: each pod's own)", '-1')
    .option('--timeout <duration>', 'give up after this long (0: wait forever)', '0s')
    .option('--pod-selector <selector>', 'only the pods that match this label selector')
    .option('-l, --selector <selector>', 'every node that matches this label selector')
    .option('--disable-eviction', 'delete the pods instead of evicting them (bypasses disruption rules)')
    .action(async (args: string[], options: DrainOptions) => {
      const grace = Number(options.gracePeriod);
      if (!Number.isInteger(grace)) throw new CliError(`error: --grace-period must be a whole number of seconds, not "${options.gracePeriod}"`);
      const timeoutMs = parseDuration(options.timeout, '--timeout');
      const client = await ctx.client();
      const pending: string[] = [];
      let lastError = '';
      for (const node of await nodeNames(ctx, args, options)) {
        ctx.out(`${await setUnschedulable(client, node, true)}\n`);
        try {
          await drainNode(ctx, client, node, options, grace, timeoutMs);
          ctx.out(`node/${node} drained\n`);
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          lastError = error.message;
          ctx.err(`error: unable to drain node "${node}" due to error: ${error.message.replace(/^error: /, '')}, continuing command...\n`);
          pending.push(node);
        }
      }
      if (pending.length > 0) {
        ctx.err(`There are pending nodes to be drained:\n${pending.map((n) => ` ${n}\n`).join('')}`);
        throw new CliError(lastError.startsWith('error: ') ? lastError : `error: ${lastError}`);
      }
    });
}

async function drainNode(ctx: CliContext, client: RestClient, node: string, options: DrainOptions, grace: number, timeoutMs: number): Promise<void> {
  const list = await client.list<Pod>(Pods, { fieldSelector: `spec.nodeName=${node}`, ...(options.podSelector === undefined ? {} : { labelSelector: options.podSelector }) });
  const plan = planDrain(list.items, { ignoreDaemonsets: options.ignoreDaemonsets === true, deleteEmptydirData: options.deleteEmptydirData === true, force: options.force === true });
  if (plan.errors.length > 0) throw new CliError(plan.errors.length === 1 ? (plan.errors[0] ?? '') : `[${plan.errors.join(', ')}]`);
  if (plan.warnings.length > 0) ctx.err(`Warning: ${plan.warnings.join('; ')}\n`);
  const deadline = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => deadline.abort(), timeoutMs) : undefined;
  const display = new ProgressDisplay(ctx.streams.stdout);
  let gone = 0;
  const total = plan.evict.length;
  const show = (): void => {
    if (display.isTerminal && total > 0) display.update({ message: `draining node ${node}: ${gone} of ${total} pods gone`, done: gone, total, detail: `${gone}/${total} pods gone` });
  };
  try {
    show();
    await Promise.all(plan.evict.map(async (pod) => {
      await removePod(ctx, client, pod, options.disableEviction === true, grace, deadline.signal, display);
      await waitGone(client, pod, deadline.signal);
      if (deadline.signal.aborted) return;
      gone++;
      display.clear();
      ctx.out(`pod/${pod.metadata?.name ?? ''} ${options.disableEviction === true ? 'deleted' : 'evicted'}\n`);
      show();
    }));
    if (deadline.signal.aborted) {
      throw new CliError(`drain did not complete within ${options.timeout}`);
    }
  } finally {
    clearTimeout(timer);
    display.clear();
  }
}

async function removePod(ctx: CliContext, client: RestClient, pod: Pod, deleteInstead: boolean, grace: number, signal: AbortSignal, display: ProgressDisplay): Promise<void> {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  const deleteOptions = grace >= 0 ? { gracePeriodSeconds: grace } : {};
  if (deleteInstead) {
    await client.delete(Pods, name, namespace, { ...deleteOptions, preconditions: { uid: pod.metadata?.uid ?? '' } }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    return;
  }
  display.clear();
  ctx.err(`evicting pod ${namespace}/${name}\n`);
  while (!signal.aborted) {
    try {
      await client.postSubresource(Pods, name, namespace, 'eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isTooManyRequests(error)) throw error;
      display.clear();
      ctx.err(`error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${(error as Error).message}\n`);
      await sleep(RETRY_MS, signal);
    }
  }
}

/** Until the pod is gone (or replaced by another of the same name), or the signal aborts. */
async function waitGone(client: RestClient, pod: Pod, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const now = await client.get<Pod>(Pods, pod.metadata?.name ?? '', pod.metadata?.namespace);
      if (now.metadata?.uid !== pod.metadata?.uid) return;
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await sleep(POLL_MS, signal);
  }
}

// superctl logs: a container's log through pods/log, with kubectl's flags. A workload (deploy/web)
// means one of its pods; -l means every matching pod, each line prefixed with [pod/NAME/CONTAINER]
// (on by default there, unlike kubectl, since lines of several pods are otherwise anonymous).
import type { Command } from 'commander';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Pods } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { copyLog, type LogRequest } from '../remote/log-stream.js';
import { byPreference, pickContainer, pickPod } from '../remote/pod-picker.js';
import { parseDuration } from '../remote/watch-object.js';

interface LogsOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  sinceTime?: string;
  selector?: string;
  allContainers?: boolean;
  prefix?: string | boolean;
  maxLogRequests: string;
  limitBytes?: string;
  ignoreErrors?: boolean;
}

interface Source {
  readonly pod: Pod;
  readonly container: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .description('Print the logs of a container: logs (POD | TYPE/NAME | -l SELECTOR) [-c CONTAINER] [-f]')
    .argument('[pod]', 'a pod name, or TYPE/NAME of a workload (one of its pods is used)')
    .argument('[container]', 'the container (same as -c)')
    .option('-c, --container <name>', 'the container (default: the annotated default, else the first)')
    .option('-f, --follow', 'keep streaming the log as it grows')
    .option('-p, --previous', 'the log of the previous, terminated run of the container')
    .option('--timestamps', 'start every line with its RFC3339 timestamp')
    .option('--tail <lines>', 'only the last lines (-1: all; 10 with a selector)')
    .option('--since <duration>', 'only lines newer than this (5s, 2m, 3h)')
    .option('--since-time <time>', 'only lines after this RFC3339 time')
    .option('-l, --selector <selector>', 'the logs of every pod matching this label selector')
    .option('--all-containers', 'the logs of every container of the pods')
    .option('--prefix [bool]', 'start every line with [pod/NAME/CONTAINER] (default with -l)')
    .option('--max-log-requests <n>', 'how many logs may be followed at once with a selector', '5')
    .option('--limit-bytes <n>', 'at most this many bytes of each log')
    .option('--ignore-errors', 'with several logs, go on when one fails')
    .action(async (podArg: string | undefined, containerArg: string | undefined, options: LogsOptions) => {
      const sources = await sourcesOf(ctx, podArg, containerArg, options);
      const base = requestOptions(options, podArg === undefined);
      const many = sources.length > 1 || options.selector !== undefined;
      const prefix = options.prefix === undefined ? many : options.prefix !== 'false';
      if (options.follow === true && sources.length > Number(options.maxLogRequests)) {
        throw new CliError(`error: you are attempting to follow ${sources.length} log streams, but maximum allowed concurrency is ${options.maxLogRequests}, use --max-log-requests to increase the limit`);
      }
      const config = await ctx.config();
      const copy = async (s: Source): Promise<void> => {
        const request: LogRequest = { ...base, namespace: s.pod.metadata?.namespace ?? 'default', pod: s.pod.metadata?.name ?? '', container: s.container };
        const linePrefix = prefix ? `[pod/${request.pod}/${request.container}] ` : undefined;
        try {
          await copyLog(config, request, ctx.streams.stdout, linePrefix);
        } catch (error) {
          if (options.ignoreErrors !== true || sources.length === 1) throw error;
          ctx.err(`error: ${request.pod}/${request.container}: ${(error as Error).message}\n`);
        }
      };
      if (options.follow === true) await Promise.all(sources.map(copy));
      else for (const s of sources) await copy(s);
    });
}

function requestOptions(options: LogsOptions, bySelector: boolean): Omit<LogRequest, 'namespace' | 'pod' | 'container'> {
  const tail = options.tail === undefined ? (bySelector ? 10 : -1) : Number(options.tail);
  if (!Number.isInteger(tail)) throw new CliError(`error: --tail must be a whole number, not "${options.tail}"`);
  if (options.since !== undefined && options.sinceTime !== undefined) throw new CliError('error: at most one of --since and --since-time may be given');
  let sinceSeconds: number | undefined;
  if (options.since !== undefined) sinceSeconds = Math.max(1, Math.ceil(parseDuration(options.since, '--since') / 1000));
  if (options.sinceTime !== undefined && Number.isNaN(Date.parse(options.sinceTime))) {
    throw new CliError(`error: --since-time must be an RFC3339 time (2024-01-02T15:04:05Z), not "${options.sinceTime}"`);
  }
  let limitBytes: number | undefined;
  if (options.limitBytes !== undefined) {
    limitBytes = Number(options.limitBytes);
    if (!Number.isInteger(limitBytes) || limitBytes <= 0) throw new CliError(`error: --limit-bytes must be a whole number above 0`);
  }
  return {
    ...(options.follow === true ? { follow: true } : {}),
    ...(options.previous === true ? { previous: true } : {}),
    ...(options.timestamps === true ? { timestamps: true } : {}),
    ...(tail >= 0 ? { tailLines: tail } : {}),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(options.sinceTime === undefined ? {} : { sinceTime: options.sinceTime }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  };
}

function containersOf(ctx: CliContext, pod: Pod, options: LogsOptions, containerArg: string | undefined): string[] {
  if (options.allContainers === true) {
    return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  }
  return [pickContainer(ctx, pod, options.container ?? containerArg)];
}

async function sourcesOf(ctx: CliContext, podArg: string | undefined, containerArg: string | undefined, options: LogsOptions): Promise<Source[]> {
  if (podArg === undefined) {
    if (options.selector === undefined) throw new CliError('error: a pod name, TYPE/NAME or -l SELECTOR is required (logs POD)');
    const namespace = await ctx.namespace();
    const list = await (await ctx.client()).list<Pod>(Pods, { namespace, labelSelector: options.selector });
    if (list.items.length === 0) {
      ctx.err(`No resources found in ${namespace} namespace.\n`);
      return [];
    }
    const pods = byPreference(list.items).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    return pods.flatMap((pod) => containersOf(ctx, pod, options, containerArg).map((container) => ({ pod, container })));
  }
  if (options.selector !== undefined) throw new CliError('error: only one of a pod name and -l SELECTOR may be given');
  const pod = await pickPod(ctx, podArg);
  return containersOf(ctx, pod, options, containerArg).map((container) => ({ pod, container }));
}

// superctl run NAME --image=IMAGE: one pod (label run=NAME), as kubectl run makes it; arguments
// after -- are the container's args, or its command with --command. --dry-run=client with -o
// prints the pod instead of creating it.
import type { Command } from 'commander';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../client/client-errors.js';
import { Pods } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { parseOutputFormat, printObjects } from '../printers/index.js';

interface RunOptions {
  image?: string;
  restart: string;
  labels?: string;
  env: string[];
  port?: string;
  command?: boolean;
  imagePullPolicy?: string;
  dryRun?: string;
  output?: string;
  stdin?: boolean;
  tty?: boolean;
  rm?: boolean;
  attach?: boolean;
  annotations: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function keyValues(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`error: ${flag} takes KEY=VALUE pairs, not "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The pod kubectl run would create. */
export function podFor(name: string, options: RunOptions, args: string[]): Pod {
  if (options.image === undefined || options.image === '') throw new CliError('error: --image is required');
  if (!['Always', 'OnFailure', 'Never'].includes(options.restart)) throw new CliError(`error: invalid restart policy: ${options.restart} (Always, OnFailure or Never)`);
  const labels = options.labels === undefined ? { run: name } : keyValues(options.labels, '--labels');
  const annotations = Object.assign({}, ...options.annotations.map((a) => keyValues(a, '--annotations'))) as Record<string, string>;
  const env = options.env.map((e) => {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new CliError(`error: --env takes NAME=VALUE, not "${e}"`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
  let port: number | undefined;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`error: --port must be a port number, not "${options.port}"`);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: {
      containers: [{
        name,
        image: options.image,
        ...(args.length > 0 ? (options.command === true ? { command: args } : { args }) : {}),
        ...(env.length > 0 ? { env } : {}),
        ...(port === undefined ? {} : { ports: [{ containerPort: port }] }),
        ...(options.imagePullPolicy === undefined ? {} : { imagePullPolicy: options.imagePullPolicy }),
        resources: {},
      }],
      restartPolicy: options.restart,
      dnsPolicy: 'ClusterFirst',
    },
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Create and run a pod: run NAME --image=IMAGE [--env=K=V] [--port=N] [--restart=Never] [--command] -- [ARGS...]')
    .argument('<name>', 'the pod name')
    .argument('[args...]', "the container's args (its command with --command), after --")
    .option('--image <image>', 'the container image (required)')
    .option('--restart <policy>', 'the restart policy: Always, OnFailure or Never', 'Always')
    .option('--labels <pairs>', 'labels, KEY=VALUE,... (default run=NAME)')
    .option('--annotations <pairs>', 'annotations, KEY=VALUE,...', collect, [])
    .option('--env <pair>', 'an environment variable, NAME=VALUE (repeatable)', collect, [])
    .option('--port <port>', 'the port the container exposes')
    .option('--command', 'the arguments after -- are the command, not args')
    .option('--image-pull-policy <policy>', 'Always, IfNotPresent or Never')
    .option('--dry-run [strategy]', 'client: print the pod instead of creating it; server: let the server check it without saving')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('-i, --stdin', 'not supported: run, then exec or logs')
    .option('-t, --tty', 'not supported: run, then exec -it')
    .option('--rm', 'not supported: run, then delete')
    .option('--attach', 'not supported: run, then logs -f')
    .action(async (name: string, args: string[], options: RunOptions) => {
      if (options.stdin === true || options.tty === true || options.rm === true || options.attach === true) {
        throw new CliError('error: superctl run does not attach (-i, -t, --rm, --attach): run the pod, then use superctl exec -it, logs -f or delete');
      }
      const pod = podFor(name, options, args);
      const dryRun = options.dryRun === undefined ? 'none' : options.dryRun === 'true' || (options.dryRun as unknown) === true ? 'client' : options.dryRun;
      if (!['none', 'client', 'server'].includes(dryRun)) throw new CliError(`error: Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
      const format = parseOutputFormat(options.output);
      let result: Pod = pod;
      if (dryRun === 'client') {
        result = { ...pod, metadata: { ...pod.metadata, namespace: await ctx.namespace() } };
      } else {
        const client = await ctx.client();
        const path = `/api/v1/namespaces/${encodeURIComponent(await ctx.namespace())}/pods`;
        if (dryRun === 'server') {
          const response = await client.request('POST', path, { query: { dryRun: 'All' }, body: JSON.stringify(pod) });
          if (response.status >= 300) throw ApiError.fromResponse(response.status, 'POST', path, response.body);
          result = JSON.parse(response.body.toString('utf8')) as Pod;
        } else {
          result = await client.create<Pod>(Pods, pod, { namespace: await ctx.namespace() });
        }
      }
      if (format.kind === 'table') {
        const suffix = dryRun === 'none' ? '' : ` (${dryRun} dry run)`;
        ctx.out(`pod/${name} created${suffix}\n`);
      } else {
        ctx.out(printObjects(format, [result], true));
      }
    });
}

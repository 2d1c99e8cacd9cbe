// superctl expose: a Service in front of a pod, a workload or another service, as kubectl makes
// it: the object's selector (a pod's labels), its labels, and the port given or the ports its pod
// template declares.
import type { Command } from 'commander';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { Services } from '../../client/resource-types.js';
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { parseOutputFormat, printObjects } from '../printers/index.js';
import { resolveOneTarget } from '../remote/object-target.js';
import { podSpecOf } from '../remote/pod-template.js';

interface ExposeOptions {
  port?: string;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  labels?: string;
  dryRun?: string;
  output?: string;
}

type Exposable = KubeObject & { spec?: { selector?: LabelSelector | Record<string, string>; ports?: ServicePort[] } };

function pairs(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`error: ${flag} takes KEY=VALUE pairs, not "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function selectorOf(kind: string, obj: Exposable): Record<string, string> {
  if (kind === 'Pod') return { ...(obj.metadata?.labels ?? {}) };
  if (kind === 'Service' || kind === 'ReplicationController') return { ...((obj.spec?.selector ?? {}) as Record<string, string>) };
  const selector = obj.spec?.selector as LabelSelector | undefined;
  if ((selector?.matchExpressions ?? []).length > 0) {
    throw new CliError(`error: couldn't retrieve selectors via --selector flag or introspection: the ${kind}'s selector has matchExpressions, which a Service cannot use: pass --selector`);
  }
  return { ...(selector?.matchLabels ?? {}) };
}

function portsOf(kind: string, obj: Exposable): { port: number; protocol: string; name?: string }[] {
  if (kind === 'Service') return (obj.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP', ...(p.name === undefined ? {} : { name: p.name }) }));
  const spec = podSpecOf(kind, obj);
  return (spec?.containers ?? []).flatMap((c) => (c.ports ?? [])).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', ...(p.name === undefined ? {} : { name: p.name }) }));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('expose')
    .description('Expose a pod, deployment, replica set or service as a new Service: expose (TYPE NAME | TYPE/NAME) [--port=N] [--target-port=N] [--type=NodePort]')
    .argument('<resource...>', 'TYPE NAME or TYPE/NAME')
    .option('--port <port>', 'the port the service serves on (default: the ports the pods declare)')
    .option('--target-port <port>', "the pods' port (number or name; default: the same as --port)")
    .option('--name <name>', 'the service name (default: the object name)')
    .option('--type <type>', 'ClusterIP, NodePort, LoadBalancer or ExternalName')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP')
    .option('--selector <pairs>', 'the pods to send traffic to, KEY=VALUE,... (default: the object\'s selector)')
    .option('-l, --labels <pairs>', "the service's labels (default: the object's labels)")
    .option('--dry-run [strategy]', 'client: print the service instead of creating it')
    .option('-o, --output <format>', 'json, yaml or name')
    .action(async (args: string[], options: ExposeOptions) => {
      const target = await resolveOneTarget(ctx, args);
      const supported = ['Pod', 'Service', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet'];
      if (!supported.includes(target.resource.kind)) throw new CliError(`error: cannot expose a ${target.resource.kind}`);
      const client = await ctx.client();
      const obj = await client.get<Exposable>(target.resource, target.name, target.namespace);
      const selector = options.selector === undefined ? selectorOf(target.resource.kind, obj) : pairs(options.selector, '--selector');
      if (Object.keys(selector).length === 0) {
        const why = target.resource.kind === 'Pod' ? ': the pod has no labels and cannot be exposed' : '';
        throw new CliError(`error: couldn't retrieve selectors via --selector flag or introspection${why}`);
      }
      const protocol = options.protocol;
      let ports: ServicePort[];
      if (options.port !== undefined) {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`error: --port must be a port number, not "${options.port}"`);
        const target = options.targetPort === undefined ? port : /^\d+$/.test(options.targetPort) ? Number(options.targetPort) : options.targetPort;
        ports = [{ port, protocol: protocol ?? 'TCP', targetPort: target }];
      } else {
        const found = portsOf(target.resource.kind, obj);
        if (found.length === 0) throw new CliError("error: couldn't find port via --port flag or introspection");
        ports = found.map((p, i) => ({
          ...(found.length > 1 ? { name: p.name ?? `port-${i + 1}` } : {}),
          port: p.port,
          protocol: protocol ?? p.protocol,
          targetPort: options.targetPort === undefined ? p.port : /^\d+$/.test(options.targetPort) ? Number(options.targetPort) : options.targetPort,
        }));
      }
      const name = options.name ?? target.name;
      const labels = options.labels === undefined ? obj.metadata?.labels : pairs(options.labels, '--labels');
      const service: Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, ...(labels === undefined ? {} : { labels }) },
        spec: { ports, selector, ...(options.type === undefined ? {} : { type: options.type }) },
      };
      const dryRun = options.dryRun === undefined ? 'none' : options.dryRun === 'true' || (options.dryRun as unknown) === true ? 'client' : options.dryRun;
      const format = parseOutputFormat(options.output);
      const created = dryRun === 'client' ? { ...service, metadata: { ...service.metadata, namespace: target.namespace } } : await client.create<Service>(Services, service, { namespace: target.namespace ?? (await ctx.namespace()) });
      if (format.kind === 'table') ctx.out(`service/${name} exposed${dryRun === 'client' ? ' (dry run)' : ''}\n`);
      else ctx.out(printObjects(format, [created], true));
    });
}

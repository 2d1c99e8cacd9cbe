// superctl create -f (POST each object of the files) and the generators kubectl has: deployment,
// namespace, configmap, secret generic, job (also --from=cronjob/NAME), cronjob and service
// (clusterip, nodeport, loadbalancer, externalname). Each generator builds the object kubectl
// builds for the same flags, so `create ... --dry-run=client -o yaml` prints the same manifest.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import type { JsonObject } from '../../api/patch/json-value.js';
import { withLastApplied } from '../apply/last-applied.js';
import { createObject, dryRunSuffix, getObject, writeErrorLine } from '../apply/object-writes.js';
import { OutcomePrinter, parseOutputFormat } from '../apply/print-objects.js';
import type { CliContext } from '../cli-context.js';
import type { ApiResource } from '../resource-resolver.js';
import { CliError, explain } from '../cli-error.js';
import { targetOf } from '../manifests/manifest-target.js';
import { readManifests } from '../manifests/read-manifests.js';
import { failFromLines, parseDryRunOrFail } from '../apply/verb-failures.js';

interface CommonOptions {
  dryRun?: string | boolean;
  output?: string;
  saveConfig?: boolean;
  fieldManager?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function withCommonOptions(command: Command): Command {
  return command
    .option('--dry-run [strategy]', 'none, client or server: show the object without creating it')
    .option('-o, --output <format>', 'yaml, json or name')
    .option('--save-config', 'record the object in the last-applied annotation, for a later apply')
    .option('--field-manager <name>', 'the name of the manager of the fields this sets', 'kubectl-create');
}

export function register(program: Command, ctx: CliContext): void {
  const create = withCommonOptions(
    program
      .command('create')
      .description('Create a resource from a file or from stdin, or one of the kinds below from flags')
      .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects (repeatable)', collect, [])
      .option('-R, --recursive', 'process the directories given with -f recursively'),
  ).action(async (options: CommonOptions & { filename: string[]; recursive?: boolean }) => {
    await createFromFiles(ctx, options);
  });

  const generator = (name: string, description: string, build: (args: string[], options: Record<string, unknown>) => Promise<JsonObject> | JsonObject): Command =>
    withCommonOptions(create.command(name).description(description)).action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      // The parent `create` reads the flags the two share (--dry-run, -o) before this command runs.
      const options = command.optsWithGlobals<CommonOptions & Record<string, unknown>>();
      await createGenerated(ctx, await build(command.args, options), options);
    });

  generator('deployment', 'Create a deployment with the specified name', (args, o) => deployment(args, o))
    .argument('<name>')
    .argument('[command...]')
    .requiredOption('--image <image>', 'the image of a container (repeatable)', collect, [])
    .option('-r, --replicas <n>', 'number of replicas', '1')
    .option('--port <port>', 'the port the container exposes');

  generator('namespace', 'Create a namespace with the specified name', (args) => object('v1', 'Namespace', nameArg(args), { spec: {}, status: {} })).argument('<name>');

  generator('configmap', 'Create a config map from files, directories or literal values', async (args, o) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: nameArg(args), creationTimestamp: null },
    ...(await configMapData(o)),
  }))
    .alias('cm')
    .argument('<name>')
    .option('--from-literal <key=value>', 'a key and literal value (repeatable)', collect, [])
    .option('--from-file <[key=]source>', 'a file, or a directory of files (repeatable)', collect, [])
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect, []);

  const secret = create.command('secret').description('Create a secret (generic)');
  withCommonOptions(secret.command('generic').description('Create a secret from files, directories or literal values'))
    .argument('<name>')
    .option('--from-literal <key=value>', 'a key and literal value (repeatable)', collect, [])
    .option('--from-file <[key=]source>', 'a file, or a directory of files (repeatable)', collect, [])
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect, [])
    .option('--type <type>', 'the type of the secret')
    .action(async (name: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<CommonOptions & Record<string, unknown>>();
      await createGenerated(ctx, await genericSecret(name, options), options);
    });

  generator('job', 'Create a job with the specified name', (args, o) => job(ctx, args, o))
    .argument('<name>')
    .argument('[command...]')
    .option('--image <image>', 'the image of the container')
    .option('--from <cronjob/name>', 'the cron job to take the job template from');

  generator('cronjob', 'Create a cron job with the specified name', (args, o) => cronJob(args, o))
    .alias('cj')
    .argument('<name>')
    .argument('[command...]')
    .requiredOption('--image <image>', 'the image of the container')
    .requiredOption('--schedule <schedule>', 'the cron schedule')
    .option('--restart <policy>', 'OnFailure or Never', 'OnFailure');

  const service = create.command('service').alias('svc').description('Create a service (clusterip, nodeport, loadbalancer, externalname)');
  for (const type of ['clusterip', 'nodeport', 'loadbalancer', 'externalname'] as const) {
    const sub = withCommonOptions(service.command(type).description(`Create a ${type} service`))
      .argument('<name>')
      .option('--tcp <port[:targetPort]>', 'a port and its target port (repeatable)', collect, []);
    if (type === 'clusterip') sub.option('--clusterip <ip>', 'the cluster IP, or None for a headless service');
    if (type === 'nodeport') sub.option('--node-port <port>', 'the node port');
    if (type === 'externalname') sub.requiredOption('--external-name <name>', 'the external DNS name');
    sub.action(async (name: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<CommonOptions & Record<string, unknown>>();
      await createGenerated(ctx, serviceObject(type, name, options), options);
    });
  }
}

async function createFromFiles(ctx: CliContext, options: CommonOptions & { filename: string[]; recursive?: boolean }): Promise<void> {
  if (options.filename.length === 0) {
    throw new CliError('error: must specify one of -f and -k, or a kind to create (see superctl create --help)');
  }
  const dryRun = parseDryRunOrFail(options.dryRun);
  const printer = new OutcomePrinter(ctx, parseOutputFormat(options.output));
  const manifests = await readManifests({ filenames: options.filename, recursive: options.recursive === true, stdin: ctx.streams.stdin });
  if (manifests.length === 0) throw new CliError('error: no objects passed to create');
  const client = await ctx.client();
  const failures: string[] = [];
  for (const manifest of manifests) {
    try {
      const target = await targetOf(ctx, manifest, { requireName: false });
      const body = options.saveConfig === true ? withLastApplied(target.object) : target.object;
      try {
        const created =
          dryRun === 'client' ? body : await createObject(client, target.resource, target.namespace, body, { dryRun, ...fieldManager(options) });
        const createdName = (created['metadata'] as JsonObject | undefined)?.['name'];
        const name = typeof createdName === 'string' ? createdName : target.name;
        printer.print(target.resource, name, `created${dryRunSuffix(dryRun)}`, created);
      } catch (error) {
        failures.push(writeErrorLine(error, 'creating', target.source) || explain(error));
      }
    } catch (error) {
      failures.push(explain(error));
    }
  }
  printer.flush();
  failFromLines(ctx, failures);
}

function fieldManager(options: CommonOptions): { fieldManager?: string } {
  return options.fieldManager === undefined ? {} : { fieldManager: options.fieldManager };
}

// The generators' kinds are built in, so a client dry run needs no server (as with kubectl).
const GENERATED_RESOURCES: Record<string, ApiResource> = {
  Deployment: builtIn('apps', 'deployments', 'Deployment', true),
  Namespace: builtIn('', 'namespaces', 'Namespace', false),
  ConfigMap: builtIn('', 'configmaps', 'ConfigMap', true),
  Secret: builtIn('', 'secrets', 'Secret', true),
  Job: builtIn('batch', 'jobs', 'Job', true),
  CronJob: builtIn('batch', 'cronjobs', 'CronJob', true),
  Service: builtIn('', 'services', 'Service', true),
};

function builtIn(group: string, plural: string, kind: string, namespaced: boolean): ApiResource {
  return { group, version: 'v1', plural, kind, namespaced, singular: kind.toLowerCase(), shortNames: [], verbs: [], categories: [] };
}

async function createGenerated(ctx: CliContext, generated: JsonObject, options: CommonOptions): Promise<void> {
  const dryRun = parseDryRunOrFail(options.dryRun);
  const printer = new OutcomePrinter(ctx, parseOutputFormat(options.output));
  const kind = generated['kind'] as string;
  const resource = GENERATED_RESOURCES[kind];
  const name = (generated['metadata'] as JsonObject)['name'] as string;
  if (resource === undefined) throw new Error(`no resource for the generated kind ${kind}`);
  let created = generated;
  if (dryRun !== 'client') {
    const namespace = resource.namespaced ? await ctx.namespace() : undefined;
    const metadata = { ...(generated['metadata'] as JsonObject), ...(namespace === undefined ? {} : { namespace }) };
    const withNamespace = { ...generated, metadata };
    const body = options.saveConfig === true ? withLastApplied(withNamespace) : withNamespace;
    created = await createObject(await ctx.client(), resource, namespace, body, { dryRun, ...fieldManager(options) });
  }
  printer.print(resource, name, `created${dryRunSuffix(dryRun)}`, created);
  printer.flush();
}

function nameArg(args: string[]): string {
  const name = args[0];
  if (name === undefined || name === '') throw new CliError('error: NAME is required');
  return name;
}

function object(apiVersion: string, kind: string, name: string, rest: JsonObject, labels?: Record<string, string>): JsonObject {
  return { apiVersion, kind, metadata: { name, creationTimestamp: null, ...(labels ? { labels } : {}) }, ...rest };
}

/** The container name kubectl derives from an image: its last path part without tag or digest. */
function containerNames(images: string[]): string[] {
  const seen = new Map<string, number>();
  return images.map((image) => {
    const last = image.slice(image.lastIndexOf('/') + 1);
    const base = (last.split('@')[0] ?? '').split(':')[0] ?? '';
    const name = base.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}-${count}`;
  });
}

function integerFlag(value: unknown, flag: string): number {
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new CliError(`error: invalid argument "${text}" for "--${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

function deployment(args: string[], options: Record<string, unknown>): JsonObject {
  const name = nameArg(args);
  const command = args.slice(1);
  const images = options['image'] as string[];
  if (images.length === 0) throw new CliError('error: required flag(s) "image" not set');
  if (command.length > 0 && images.length > 1) throw new CliError('error: cannot specify multiple --image options and command');
  const names = containerNames(images);
  const containers = images.map((image, i) => ({
    name: names[i] ?? 'container',
    image,
    ...(command.length > 0 ? { command } : {}),
    ...(options['port'] !== undefined ? { ports: [{ containerPort: integerFlag(options['port'], 'port') }] } : {}),
    resources: {},
  }));
  const labels = { app: name };
  return object(
    'apps/v1',
    'Deployment',
    name,
    {
      spec: {
        replicas: integerFlag(options['replicas'], 'replicas'),
        selector: { matchLabels: labels },
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        strategy: {},
      },
      status: {},
    },
    labels,
  );
}

function jobSpec(name: string, image: string, command: string[], restartPolicy: string): JsonObject {
  return {
    template: {
      metadata: { creationTimestamp: null },
      spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}), resources: {} }], restartPolicy },
    },
  };
}

async function job(ctx: CliContext, args: string[], options: Record<string, unknown>): Promise<JsonObject> {
  const name = nameArg(args);
  const from = options['from'] as string | undefined;
  const image = options['image'] as string | undefined;
  if (from !== undefined) {
    if (image !== undefined) throw new CliError('error: either --image or --from must be specified, not both');
    return jobFromCronJob(ctx, name, from);
  }
  if (image === undefined) throw new CliError('error: either --image or --from must be specified');
  return object('batch/v1', 'Job', name, { spec: jobSpec(name, image, args.slice(1), 'Never'), status: {} });
}

/** kubectl create job --from=cronjob/NAME: the cron job's template, owned by it, marked manual. */
async function jobFromCronJob(ctx: CliContext, name: string, from: string): Promise<JsonObject> {
  const [type = '', cronJobName = ''] = from.split('/');
  if (!['cronjob', 'cronjobs', 'cj', 'cronjob.batch', 'cronjobs.batch'].includes(type.toLowerCase()) || cronJobName === '') {
    throw new CliError(`error: from must be an existing cronjob: cronjob/NAME (not "${from}")`);
  }
  const resource = await (await ctx.resolver()).resolve('cronjobs.batch');
  const cronJob = await getObject(await ctx.client(), resource, await ctx.namespace(), cronJobName);
  if (cronJob === undefined) throw new CliError(`Error from server (NotFound): cronjobs.batch "${cronJobName}" not found`);
  const template = ((cronJob['spec'] as JsonObject | undefined)?.['jobTemplate'] ?? {}) as JsonObject;
  const templateMetadata = (template['metadata'] ?? {}) as JsonObject;
  const cronMetadata = (cronJob['metadata'] ?? {}) as JsonObject;
  const annotations = { ...((templateMetadata['annotations'] as JsonObject | undefined) ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      creationTimestamp: null,
      ...(templateMetadata['labels'] !== undefined ? { labels: templateMetadata['labels'] } : {}),
      annotations,
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: cronJobName, uid: cronMetadata['uid'] ?? '', controller: true },
      ],
    },
    spec: template['spec'] ?? {},
    status: {},
  };
}

function cronJob(args: string[], options: Record<string, unknown>): JsonObject {
  const name = nameArg(args);
  const restart = String(options['restart']);
  if (restart !== 'OnFailure' && restart !== 'Never') throw new CliError(`error: invalid restart policy: ${restart}`);
  return object('batch/v1', 'CronJob', name, {
    spec: {
      schedule: String(options['schedule']),
      jobTemplate: { metadata: { name, creationTimestamp: null }, spec: jobSpec(name, String(options['image']), args.slice(1), restart) },
    },
    status: {},
  });
}

function serviceObject(type: 'clusterip' | 'nodeport' | 'loadbalancer' | 'externalname', name: string, options: Record<string, unknown>): JsonObject {
  const serviceType = { clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer', externalname: 'ExternalName' }[type];
  const nodePort = options['nodePort'] === undefined ? undefined : integerFlag(options['nodePort'], 'node-port');
  const ports = (options['tcp'] as string[]).map((spec) => {
    const [portText = '', targetText] = spec.split(':');
    const port = integerFlag(portText, 'tcp');
    const targetPort = targetText === undefined ? port : /^\d+$/.test(targetText) ? Number(targetText) : targetText;
    return { name: spec.replace(/:/g, '-'), protocol: 'TCP', port, targetPort, ...(nodePort !== undefined ? { nodePort } : {}) };
  });
  if (ports.length === 0 && type !== 'externalname' && options['clusterip'] !== 'None') {
    throw new CliError('error: at least one --tcp port is required');
  }
  const labels = { app: name };
  const spec: JsonObject = { ...(ports.length > 0 ? { ports } : {}), selector: labels, type: serviceType };
  if (options['clusterip'] !== undefined) spec['clusterIP'] = options['clusterip'] as string;
  if (type === 'externalname') spec['externalName'] = String(options['externalName']);
  return object('v1', 'Service', name, { spec, status: { loadBalancer: {} } }, labels);
}

interface KeyedData {
  data: Record<string, string>;
  binaryData: Record<string, string>;
}

/** --from-literal, --from-file and --from-env-file into keys, refusing a key given twice. */
async function collectData(options: Record<string, unknown>, kind: string): Promise<KeyedData> {
  const out: KeyedData = { data: {}, binaryData: {} };
  const count = (flag: string): number => ((options[flag] as string[] | undefined) ?? []).length;
  if (count('fromEnvFile') > 0 && (count('fromFile') > 0 || count('fromLiteral') > 0)) {
    throw new CliError('error: from-env-file cannot be combined with from-file or from-literal');
  }
  const put = (key: string, value: Buffer): void => {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new CliError(`error: "${key}" is not a valid key name for a ${kind}: a valid key must consist of alphanumeric characters, '-', '_' or '.'`);
    if (key in out.data || key in out.binaryData) throw new CliError(`error: cannot add key "${key}", another key by that name already exists in Data for ${kind}`);
    const text = value.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(value)) out.data[key] = text;
    else out.binaryData[key] = value.toString('base64');
  };
  for (const literal of (options['fromLiteral'] as string[] | undefined) ?? []) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new CliError(`error: invalid literal source ${literal}, expected key=value`);
    const value = literal.slice(eq + 1);
    put(literal.slice(0, eq), Buffer.from(value, 'utf8'));
  }
  for (const source of (options['fromFile'] as string[] | undefined) ?? []) {
    const eq = source.indexOf('=');
    const key = eq > 0 ? source.slice(0, eq) : undefined;
    const path = eq > 0 ? source.slice(eq + 1) : source;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new CliError(`error: error reading ${path}: no such file or directory`);
    if (info.isDirectory()) {
      if (key !== undefined) throw new CliError('error: cannot give a key name for a directory path');
      for (const entry of (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile())) put(entry.name, await readFile(join(path, entry.name)));
    } else {
      put(key ?? basename(path), await readFile(path));
    }
  }
  for (const file of (options['fromEnvFile'] as string[] | undefined) ?? []) {
    const text = await readFile(file, 'utf8').catch(() => {
      throw new CliError(`error: error reading ${file}: no such file or directory`);
    });
    text.split('\n').forEach((raw, index) => {
      const line = raw.replace(/^\uFEFF/, '').trimStart();
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      if (eq <= 0) throw new CliError(`error: ${file}: line ${index + 1}: invalid line, expected KEY=VALUE: ${raw}`);
      put(line.slice(0, eq), Buffer.from(line.slice(eq + 1), 'utf8'));
    });
  }
  return out;
}

async function configMapData(options: Record<string, unknown>): Promise<JsonObject> {
  const { data, binaryData } = await collectData(options, 'ConfigMap');
  return { ...(Object.keys(data).length > 0 ? { data } : {}), ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}) };
}

async function genericSecret(name: string, options: Record<string, unknown>): Promise<JsonObject> {
  const { data, binaryData } = await collectData(options, 'Secret');
  const encoded: Record<string, string> = { ...binaryData };
  for (const [key, value] of Object.entries(data)) encoded[key] = Buffer.from(value, 'utf8').toString('base64');
  const type = options['type'] as string | undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, creationTimestamp: null },
    ...(Object.keys(encoded).length > 0 ? { data: encoded } : {}),
    ...(type !== undefined ? { type } : {}),
  };
}

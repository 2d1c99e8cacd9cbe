// superctl wait: until objects meet a condition (--for=condition=Ready[=true]), are deleted
// (--for=delete) or a JSONPath has a value (--for=jsonpath='{.status.phase}'=Running), with
// kubectl's lines and exit codes. On a terminal a bar shows how many of the objects are done.
import type { Command } from 'commander';
import type { KubeObject } from '../../client/rest-client.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { JsonPathTemplate } from '../printers/jsonpath/index.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { displayName, groupResource, resolveTargets, type ObjectTarget } from '../remote/object-target.js';
import { selectTargets } from '../remote/select-targets.js';
import { parseDuration, watchObject, WaitTimeoutError } from '../remote/watch-object.js';

type Condition =
  | { kind: 'delete' }
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'jsonpath'; template: JsonPathTemplate; value: string | undefined };

interface WaitOptions {
  for?: string;
  timeout: string;
  selector?: string;
  all?: boolean;
}

/** --for's value as kubectl reads it. */
export function parseFor(text: string | undefined): Condition {
  if (text === undefined || text === '') throw new CliError('error: --for must be given: delete, condition=NAME[=VALUE] or jsonpath={PATH}[=VALUE]');
  const lower = text.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower.startsWith('condition=')) {
    const rest = text.slice('condition='.length);
    const eq = rest.indexOf('=');
    const type = eq < 0 ? rest : rest.slice(0, eq);
    if (type === '') throw new CliError('error: --for=condition= needs a condition name, e.g. --for=condition=Ready');
    return { kind: 'condition', type, status: eq < 0 ? 'True' : rest.slice(eq + 1) };
  }
  if (lower.startsWith('jsonpath=')) {
    const rest = text.slice('jsonpath='.length);
    // The path is {...} (quotes, if the shell left them, are dropped); what follows = is the value.
    const unquoted = rest.replace(/^'(.*)'(=.*)?$/, '$1$2');
    const close = unquoted.lastIndexOf('}');
    if (!unquoted.startsWith('{') || close < 0) throw new CliError(`error: unrecognized JSONPath expression in --for: "${rest}" (use jsonpath='{.status.phase}'=Running)`);
    const path = unquoted.slice(0, close + 1);
    const after = unquoted.slice(close + 1);
    if (after !== '' && !after.startsWith('=')) throw new CliError(`error: unrecognized JSONPath expression in --for: "${rest}"`);
    let template: JsonPathTemplate;
    try {
      template = new JsonPathTemplate(path);
    } catch (error) {
      throw new CliError(`error: ${(error as Error).message}`);
    }
    return { kind: 'jsonpath', template, value: after === '' ? undefined : after.slice(1) };
  }
  throw new CliError(`error: unrecognized condition: "${text}" (use delete, condition=NAME[=VALUE] or jsonpath={PATH}[=VALUE])`);
}

/** True when the object (undefined: gone) meets the condition. */
export function meets(condition: Condition, obj: (KubeObject & { status?: { conditions?: { type?: string; status?: string; observedGeneration?: number }[] } }) | undefined): boolean {
  if (condition.kind === 'delete') return obj === undefined;
  if (obj === undefined) return false;
  if (condition.kind === 'condition') {
    const found = (obj.status?.conditions ?? []).find((c) => (c.type ?? '').toLowerCase() === condition.type.toLowerCase());
    if (found === undefined || (found.status ?? '').toLowerCase() !== condition.status.toLowerCase()) return false;
    // A condition about an older generation says nothing about this one.
    const generation = obj.metadata?.generation;
    return found.observedGeneration === undefined || generation === undefined || found.observedGeneration >= generation;
  }
  const values = condition.template.values(obj);
  if (condition.value === undefined) return values.length > 0 && values.some((v) => v !== null && v !== undefined);
  return values.some((v) => (typeof v === 'string' ? v : JSON.stringify(v)) === condition.value);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('wait')
    .description("Wait for a condition on one or many resources: wait (TYPE/NAME | TYPE -l SELECTOR) --for=delete|condition=Ready|jsonpath='{.status.phase}'=Running")
    .argument('<resource...>', 'TYPE NAME, TYPE/NAME, or TYPE with -l or --all')
    .option('--for <condition>', 'delete, condition=NAME[=VALUE], or jsonpath={PATH}[=VALUE]')
    .option('--timeout <duration>', 'how long to wait (0: check once; a negative value: a week)', '30s')
    .option('-l, --selector <selector>', 'every object of the type that matches this label selector')
    .option('--all', 'every object of the type in the namespace')
    .action(async (args: string[], options: WaitOptions) => {
      const condition = parseFor(options.for);
      const timeoutMs = options.timeout.startsWith('-') ? 7 * 24 * 3_600_000 : parseDuration(options.timeout, '--timeout');
      const targets = options.selector !== undefined || options.all === true ? await selectTargets(ctx, args, options) : await resolveTargets(ctx, args);
      const display = new ProgressDisplay(ctx.streams.stdout);
      let done = 0;
      const what = condition.kind === 'delete' ? 'deletion' : condition.kind === 'condition' ? `condition=${condition.type}` : 'jsonpath';
      const show = (): void => {
        if (display.isTerminal && targets.length > 0) display.update({ message: `waiting for ${what} on ${targets.length - done} of ${targets.length}`, done, total: targets.length });
      };
      show();
      const failures: string[] = [];
      // Every object is waited for at once, but reported in the order given, as kubectl reports.
      const outcomes = targets.map((target) =>
        waitOne(ctx, target, condition, timeoutMs).then(
          () => {
            done++;
            show();
            return undefined;
          },
          (error: unknown) => error,
        ),
      );
      for (const [i, target] of targets.entries()) {
        const error = await outcomes[i];
        if (error === undefined) {
          display.clear();
          ctx.out(`${displayName(target.resource, target.name)} ${condition.kind === 'delete' ? 'deleted' : 'condition met'}\n`);
          show();
        } else {
          failures.push(error instanceof CliError ? error.message : `error: ${(error as Error).message}`);
        }
      }
      display.clear();
      if (failures.length > 0) throw new CliError(failures.join('\n'));
    });
}

async function waitOne(ctx: CliContext, target: ObjectTarget, condition: Condition, timeoutMs: number): Promise<void> {
  const client = await ctx.client();
  let first = true;
  const timeoutMessage = `error: timed out waiting for the condition on ${groupResource(target.resource)}/${target.name}`;
  await watchObject<KubeObject>(client, target.resource, target.name, (obj) => {
    if (first && obj === undefined && condition.kind !== 'delete') {
      throw new CliError(`Error from server (NotFound): ${groupResource(target.resource)} "${target.name}" not found`);
    }
    first = false;
    if (meets(condition, obj)) return true;
    if (timeoutMs === 0) throw new WaitTimeoutError(timeoutMessage);
    return false;
  }, { namespace: target.namespace, timeoutMs, timeoutMessage });
}

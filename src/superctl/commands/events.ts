// superctl events: kubectl events' table (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), oldest first,
// optionally about one object (--for TYPE/NAME) or of some types (--types=Warning); --watch keeps
// printing new and updated events under the same columns.
import type { Command } from 'commander';
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { TabWriter } from '../printers/tab-writer.js';
import { humanDuration } from '../../api/human-duration.js';
import { resolveOneTarget } from '../remote/object-target.js';

interface EventsOptions {
  for?: string;
  types?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  noHeaders?: boolean;
}

const TYPES = ['Normal', 'Warning'];

function lastTime(e: Event): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t === undefined ? 0 : Date.parse(t);
}

function firstTime(e: Event): number {
  const t = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  return t === undefined ? 0 : Date.parse(t);
}

/** LAST SEEN as kubectl events prints it: "5s", or "5s (x3 over 40s)" for repeats. */
export function lastSeen(e: Event, now: number): string {
  const count = e.series?.count ?? e.count ?? 1;
  const last = lastTime(e);
  const since = last === 0 ? '<unknown>' : humanDuration(now - last);
  if (count > 1) return `${since} (x${count} over ${humanDuration(now - firstTime(e))})`;
  return since;
}

function row(e: Event, now: number, withNamespace: boolean): string[] {
  const involved = e.involvedObject;
  const cells = [lastSeen(e, now), e.type ?? '', e.reason ?? '', `${involved.kind ?? ''}/${involved.name ?? ''}`, (e.message ?? '').trim()];
  return withNamespace ? [e.metadata?.namespace ?? '', ...cells] : cells;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('events')
    .description('List events, oldest first: events [--for TYPE/NAME] [--types=Warning] [-A] [-w]')
    .option('--for <object>', 'only the events about this object (TYPE/NAME)')
    .option('--types <types>', 'only events of these types (Normal, Warning; comma separated)')
    .option('-A, --all-namespaces', 'events of every namespace')
    .option('-w, --watch', 'after the list, keep printing events as they happen')
    .option('--no-headers', 'leave out the header line')
    .action(async (options: EventsOptions) => {
      const client = await ctx.client();
      const types = (options.types ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
      for (const t of types) {
        if (!TYPES.some((k) => k.toLowerCase() === t.toLowerCase())) throw new CliError(`error: valid --types are ${TYPES.join(', ')}, not "${t}"`);
      }
      const wanted = (e: Event): boolean => types.length === 0 || types.some((t) => t.toLowerCase() === (e.type ?? '').toLowerCase());
      const all = options.allNamespaces === true;
      const namespace = all ? undefined : await ctx.namespace();
      let fieldSelector: string | undefined;
      if (options.for !== undefined) {
        const target = await resolveOneTarget(ctx, [options.for]);
        fieldSelector = `involvedObject.kind=${target.resource.kind},involvedObject.name=${target.name}`;
      }
      const scope = { ...(namespace === undefined ? {} : { namespace }), ...(fieldSelector === undefined ? {} : { fieldSelector }) };
      const list = await client.list<Event>(Events, scope);
      const events = list.items.filter(wanted).sort((a, b) => lastTime(a) - lastTime(b));
      const header = all ? ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'] : ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      const writer = new TabWriter();
      const now = Date.now();
      if (events.length === 0 && options.watch !== true) {
        ctx.err(all ? 'No events found.\n' : `No events found in ${namespace ?? ''} namespace.\n`);
        return;
      }
      const rows = events.map((e) => row(e, now, all));
      ctx.out(writer.format(options.noHeaders === true ? rows : [header, ...rows]));
      if (options.watch !== true) return;
      // A watch the server ends is started again from the last version seen, until interrupted.
      let resourceVersion = list.metadata.resourceVersion;
      for (;;) {
        for await (const event of client.watch<Event>(Events, { ...scope, resourceVersion })) {
          if (event.type === 'ERROR') throw new CliError('error: the event watch expired; run the command again');
          resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
          if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
          if (wanted(event.object)) ctx.out(writer.format([row(event.object, Date.now(), all)]));
        }
      }
    });
}

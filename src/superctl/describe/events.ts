// The Events section of describe: the events whose involvedObject is the described object,
// oldest first, as kubectl's DescribeEvents prints them.
import type { Event } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { Events } from '../../client/resource-types.js';
import { since } from './describe-format.js';
import type { PrefixWriter } from './prefix-writer.js';

export interface DescribedObject {
  kind: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
}

export async function eventsFor(client: RestClient, object: DescribedObject): Promise<Event[]> {
  const m = object.metadata ?? {};
  const selector = [`involvedObject.kind=${object.kind}`, `involvedObject.name=${m.name ?? ''}`];
  if (m.namespace !== undefined) selector.push(`involvedObject.namespace=${m.namespace}`);
  if (m.uid !== undefined) selector.push(`involvedObject.uid=${m.uid}`);
  const list = await client.list<Event>(Events, { fieldSelector: selector.join(','), limit: 500, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) });
  return list.items;
}

function lastSeen(e: Event): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t === undefined ? 0 : Date.parse(t);
}

export function describeEvents(w: PrefixWriter, events: Event[]): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => lastSeen(a) - lastSeen(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime !== undefined && e.eventTime !== null ? since(e.eventTime) : since(e.firstTimestamp);
    let interval = first;
    if (e.series !== undefined) interval = `${since(e.series.lastObservedTime)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${since(e.lastTimestamp)} (x${e.count ?? 0} over ${first})`;
    const source = e.source?.component !== undefined && e.source.component !== '' ? e.source.component : (e.reportingComponent ?? '');
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`);
  }
}

// What the API server was asked during a phase, from its /metrics (apiserver_request_total by verb,
// resource, subresource and code): every client's requests together (controller, scheduler,
// superlets, this benchmark's watches), but the writes tell who: deployments and replicasets are
// written by SuperController, pods created and deleted by it too, pods/binding by the scheduler and
// pods/status by the superlets. A 409 is an update that lost a race (optimistic concurrency).
import type { RestClient } from '../../src/client/rest-client.js';

export type RequestCounts = ReadonlyMap<string, number>;

const LINE = /^apiserver_request_total\{([^}]*)\} ([0-9.e+]+)$/;

/** Counts by "verb resource[/subresource] code", summed over groups. */
export async function requestCounts(client: RestClient): Promise<RequestCounts> {
  const response = await client.request('GET', '/metrics');
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status}`);
  const counts = new Map<string, number>();
  for (const line of response.body.toString('utf8').split('\n')) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const labels = new Map<string, string>();
    for (const pair of (match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels.set(pair[1] ?? '', pair[2] ?? '');
    const subresource = labels.get('subresource') ?? '';
    const key = `${labels.get('verb') ?? '?'} ${labels.get('resource') ?? '?'}${subresource === '' ? '' : `/${subresource}`} ${labels.get('code') ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(match[2]));
  }
  return counts;
}

export interface RequestSummary {
  readonly total: number;
  /** Writes to resources (not get, list, watch) by "verb resource[/subresource]", answered or not. */
  readonly writes: ReadonlyMap<string, number>;
  /** 409 answers. */
  readonly conflicts: number;
}

export function requestsBetween(before: RequestCounts, after: RequestCounts): RequestSummary {
  let total = 0;
  let conflicts = 0;
  const writes = new Map<string, number>();
  for (const [key, value] of after) {
    const n = value - (before.get(key) ?? 0);
    if (n <= 0) continue;
    total += n;
    const [verb = '', resource = '', code = ''] = key.split(' ');
    if (code === '409') conflicts += n;
    if (['get', 'list', 'watch'].includes(verb.toLowerCase()) || resource === '') continue;
    const what = `${verb} ${resource}`;
    writes.set(what, (writes.get(what) ?? 0) + n);
  }
  return { total, writes, conflicts };
}

export function describeRequests(summary: RequestSummary): string {
  const writes = [...summary.writes].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n} ${what}`);
  return `${summary.total} API requests, ${summary.conflicts} answered 409; writes: ${writes.join(', ') || 'none'}`;
}

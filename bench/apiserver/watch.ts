// Watch fan-out: W watchers on the pods of a namespace from the current resourceVersion, while
// writers patch pod status back to back (what kubelets do). Counts the events delivered to all
// watchers during the writing window, and for each (watcher, event) the delivery latency: from the
// writer receiving the write's acknowledgement (its response, with the new resourceVersion) to the
// watcher receiving the event with that resourceVersion. All timestamps are this process's clock.
import type { Client } from './http.js';
import { sortNumbers } from './workloads.js';

export interface WatchOptions {
  readonly namespace: string;
  readonly pods: number;
  readonly podName: (i: number) => string;
  readonly statusPatch: (i: number, beat: number) => string;
  readonly warmupMs: number;
  readonly ms: number;
  /** Writes stop here even before the deadline (bounds the benchmark's memory). */
  readonly maxWrites: number;
  /** How long to wait after the last write for every watcher to have every event. */
  readonly drainMs: number;
  /** Different in each call on one server: a status patch that changes nothing makes no event. */
  readonly round: number;
}

export interface WatchResult {
  readonly watchers: number;
  readonly writers: number;
  /** Writes acknowledged in the measured window. */
  readonly writes: number;
  readonly seconds: number;
  /** Events received by all watchers during the measured window, per second. */
  readonly eventsPerSecond: number;
  /** Delivery latencies (ack -> event), sorted, ms; events of the measured window. */
  readonly latencies: number[];
  /** Events that arrived before the writer had its acknowledgement (counted as 0 ms). */
  readonly beforeAck: number;
  /** After the drain: watchers that missed events, and events missing in total. */
  readonly incompleteWatchers: number;
  readonly missing: number;
  /** From the last write's ack to the last watcher having the last event, ms (NaN: never). */
  readonly drainMs: number;
  readonly errorEvents: number;
  readonly writeLatencies: number[];
}

const RV = Buffer.from('"resourceVersion":"');
const MODIFIED = Buffer.from('{"type":"MODIFIED"');
const ERROR = Buffer.from('{"type":"ERROR"');

/**
 * The object's resourceVersion, without parsing the event: the first "resourceVersion" in a pod
 * event is metadata's (nothing before it in a pod's metadata has that key).
 */
function resourceVersionIn(line: Buffer): number {
  const at = line.indexOf(RV);
  if (at === -1) return -1;
  let value = 0;
  for (let i = at + RV.length; i < line.length; i++) {
    const c = line[i] ?? 0;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}

function rvOfResponse(body: Buffer): number {
  const rv = resourceVersionIn(body);
  if (rv <= 0) throw new Error(`write answered without a resourceVersion: ${body.toString('utf8').slice(0, 300)}`);
  return rv;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function watchFanout(watcherClients: readonly Client[], writerClients: readonly Client[], reader: Client, options: WatchOptions): Promise<WatchResult> {
  const list = JSON.parse((await reader.expect(200, { path: `/api/v1/namespaces/${options.namespace}/pods?limit=1` })).toString('utf8')) as {
    metadata?: { resourceVersion?: string };
  };
  const startRv = list.metadata?.resourceVersion ?? '';
  if (startRv === '') throw new Error('list without a resourceVersion');

  // rv -> ack time (writes of the measured window only have measured = true).
  const acks = new Map<number, { at: number; measured: boolean }>();
  // Events seen before their ack: rv -> arrival times.
  const early = new Map<number, number[]>();
  const latencies: number[] = [];
  let beforeAck = 0;
  let errorEvents = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureUntil = Number.POSITIVE_INFINITY;
  let eventsInWindow = 0;
  const received = new Array<number>(watcherClients.length).fill(0);
  const lastRv = new Array<number>(watcherClients.length).fill(0);
  let lastAck = { rv: 0, at: 0 };
  let drainedAt = Number.NaN;
  let waiting: (() => void) | undefined;
  /** Resolves true once every watcher has seen the latest acknowledged write. */
  const untilDrained = (): Promise<boolean> =>
    new Promise((resolve) => {
      if (lastRv.every((r) => r >= lastAck.rv)) resolve(true);
      else waiting = () => resolve(true);
    });

  const onEvent = (watcher: number, line: Buffer, at: number): void => {
    if (line.subarray(0, ERROR.length).equals(ERROR)) {
      errorEvents++;
      return;
    }
    if (!line.subarray(0, MODIFIED.length).equals(MODIFIED)) return;
    const rv = resourceVersionIn(line);
    received[watcher] = (received[watcher] ?? 0) + 1;
    lastRv[watcher] = rv;
    if (at >= measureFrom && at <= measureUntil) eventsInWindow++;
    const ack = acks.get(rv);
    if (ack !== undefined) {
      if (ack.measured) latencies.push(Math.max(0, at - ack.at));
    } else {
      const times = early.get(rv);
      if (times === undefined) early.set(rv, [at]);
      else times.push(at);
    }
    if (waiting !== undefined && lastRv.every((r) => r >= lastAck.rv)) {
      waiting();
      waiting = undefined;
    }
  };

  const streams = watcherClients.map((client, w) =>
    client.watch(`/api/v1/namespaces/${options.namespace}/pods?watch=1&resourceVersion=${startRv}`, (line, at) => onEvent(w, line, at)),
  );
  const failed = Promise.race(streams.map((s) => s.answered.then(() => new Promise<never>(() => {}))));

  const writeLatencies: number[] = [];
  let writes = 0;
  /** One status patch; records its ack. */
  const patch = async (client: Client, pod: number, beat: number): Promise<void> => {
    const started = performance.now();
    const body = await client.expect(200, {
      method: 'PATCH',
      path: `/api/v1/namespaces/${options.namespace}/pods/${options.podName(pod)}/status`,
      body: options.statusPatch(pod, beat),
      contentType: 'application/merge-patch+json',
    });
    const at = performance.now();
    const rv = rvOfResponse(body);
    const measured = started >= measureFrom && at <= measureUntil;
    if (measured) {
      writes++;
      writeLatencies.push(at - started);
    }
    acks.set(rv, { at, measured });
    if (rv > lastAck.rv) lastAck = { rv, at };
    const times = early.get(rv);
    if (times !== undefined) {
      early.delete(rv);
      beforeAck += times.length;
      if (measured) for (const _ of times) latencies.push(0);
    }
  };

  // Sync: one write that every watcher must see before the clock starts, so that every watch is
  // registered with the server (and its headers are out) before the measured writes begin.
  const first = writerClients[0];
  if (first === undefined) throw new Error('no writer');
  await patch(first, 0, options.round * 10_000_000);
  const synced = await Promise.race([untilDrained(), failed, sleep(30_000).then(() => false)]);
  if (!synced) throw new Error(`watchers did not all see the first write within 30 s (${lastRv.filter((r) => r >= lastAck.rv).length} of ${lastRv.length} did)`);

  const begin = performance.now();
  measureFrom = begin + options.warmupMs;
  measureUntil = measureFrom + options.ms;
  let seq = 0;
  const writer = async (client: Client, index: number): Promise<void> => {
    // Each writer patches pods of its own, so writers never conflict.
    for (let beat = 0; seq < options.maxWrites && performance.now() < measureUntil; beat++) {
      seq++;
      const pod = (index + writerClients.length * beat) % options.pods;
      await patch(client, pod, options.round * 10_000_000 + index * 100_000 + beat + 1);
    }
  };
  await Promise.race([Promise.all(writerClients.map((client, index) => writer(client, index))), failed]);
  measureUntil = Math.min(performance.now(), measureUntil);
  const seconds = (measureUntil - measureFrom) / 1000;

  // Drain: wait until every watcher has the last write's event (or give up).
  if (await Promise.race([untilDrained(), sleep(options.drainMs).then(() => false)])) drainedAt = performance.now();
  for (const stream of streams) stream.close();

  const expected = acks.size;
  const incompleteWatchers = received.filter((n) => n < expected).length;
  const missing = received.reduce((sum, n) => sum + Math.max(0, expected - n), 0);
  return {
    watchers: watcherClients.length,
    writers: writerClients.length,
    writes,
    seconds,
    eventsPerSecond: eventsInWindow / seconds,
    latencies: sortNumbers(latencies),
    beforeAck,
    incompleteWatchers,
    missing,
    drainMs: drainedAt - lastAck.at,
    errorEvents,
    writeLatencies: sortNumbers(writeLatencies),
  };
}

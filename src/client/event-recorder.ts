// Records core/v1 Events the way client-go's recorder does: fire and forget, and a repeat of the
// same (object, type, reason, message) within 10 minutes bumps count and lastTimestamp of the
// Event already written instead of creating another, so a crash loop is one Event, not thousands.
// Recording must never break the caller, so every failure is logged and swallowed.
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { createLogger, type Logger } from '../util/log.js';
import { isNotFound } from './client-errors.js';
import { Events } from './resource-types.js';
import type { KubeObject, RestClient } from './rest-client.js';

export interface EventRecorderOptions {
  client: RestClient;
  component: string;
  host?: string;
  /** Additions: how long a repeat still counts as one (default 10 min, as upstream), how many
   *  distinct events to remember (default 4096), a clock for tests, and a logger. */
  aggregationWindowMs?: number;
  cacheSize?: number;
  clock?: () => Date;
  logger?: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

const DEFAULT_WINDOW_MS = 10 * 60 * 1000;

// Kubernetes timestamps are RFC 3339 with whole seconds.
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  // One promise chain per event key: a repeat waits for the write before it, so it patches the
  // Event the first one created instead of racing it with a second create.
  private readonly chains = new Map<string, Promise<void>>();
  private readonly log: Logger;
  private readonly windowMs: number;
  private readonly cacheSize: number;
  private readonly clock: () => Date;

  constructor(private readonly options: EventRecorderOptions) {
    this.log = options.logger ?? createLogger(`events/${options.component}`);
    this.windowMs = options.aggregationWindowMs ?? DEFAULT_WINDOW_MS;
    this.cacheSize = options.cacheSize ?? 4096;
    this.clock = options.clock ?? (() => new Date());
  }

  event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      const ref = referenceOf(involved);
      const key = [ref.uid, ref.kind, ref.namespace, ref.name, type, reason, message].join('\u0000');
      const at = this.clock();
      const previous = this.chains.get(key) ?? Promise.resolve();
      const next = previous
        .then(() => this.write(key, ref, type, reason, message, at))
        .catch((error: unknown) => this.log.warn('could not record event', { error, reason, object: `${ref.kind}/${ref.namespace ?? ''}/${ref.name}` }));
      this.chains.set(key, next);
      void next.then(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    } catch (error) {
      this.log.warn('could not record event', { error, reason });
    }
  }

  /** Resolves once every event recorded so far has been written or given up (an addition, for tests and shutdown). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async write(key: string, ref: ObjectReference, type: string, reason: string, message: string, at: Date): Promise<void> {
    const { client } = this.options;
    const now = timestamp(at);
    const prior = this.seen.get(key);
    if (prior !== undefined && at.getTime() - prior.lastSeenMs < this.windowMs) {
      try {
        const patched = await client.patch<Event>(Events, prior.name, prior.namespace, { count: prior.count + 1, lastTimestamp: now }, 'merge');
        this.remember(key, { ...prior, count: patched.count ?? prior.count + 1, lastSeenMs: at.getTime() });
        return;
      } catch (error) {
        // Someone deleted the Event (or it expired): start a new one, as upstream does.
        if (!isNotFound(error)) throw error;
      }
    }
    const namespace = ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : 'default';
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(ref.name ?? 'unknown', at), namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.options.component, ...(this.options.host !== undefined ? { host: this.options.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.options.component,
      reportingInstance: this.options.host ?? '',
    };
    const created = await client.create(Events, event);
    this.remember(key, { name: created.metadata?.name ?? '', namespace, count: created.count ?? 1, firstTimestamp: now, lastSeenMs: at.getTime() });
  }

  // A small LRU: Map keeps insertion order, so re-inserting marks recent and the first key is the oldest.
  private remember(key: string, seen: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, seen);
    while (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
  }
}

function referenceOf(obj: KubeObject): ObjectReference {
  const meta = obj.metadata ?? {};
  const ref: ObjectReference = { kind: obj.kind ?? '', name: meta.name ?? '' };
  if (obj.apiVersion !== undefined) ref.apiVersion = obj.apiVersion;
  if (meta.namespace !== undefined && meta.namespace !== '') ref.namespace = meta.namespace;
  if (meta.uid !== undefined) ref.uid = meta.uid;
  if (meta.resourceVersion !== undefined) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

// Upstream names events "<object>.<unix nanos in hex>"; random low digits keep two recorders apart.
function eventName(objectName: string, at: Date): string {
  const nanos = BigInt(at.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
  return `${objectName.slice(0, 236)}.${nanos.toString(16)}`;
}

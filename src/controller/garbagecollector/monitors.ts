// The resources the garbage collector watches beyond the built-in list it takes from the shared
// informers: whatever else discovery says can be listed, watched and deleted (a DaemonSet once it is
// served, custom resources later), as upstream's GraphBuilder.syncMonitors. Each gets its own
// informer, started and stopped as discovery changes; events are ignored, as upstream ignores them.
import { Informer } from '../../client/informer.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';
import type { ResourceType } from '../../client/resource-types.js';
import type { Logger } from '../../util/log.js';
import type { DiscoveredType } from '../../client/discovery.js';

/** Upstream's DefaultIgnoredResources: events are owned by nobody worth collecting. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export const resourceKey = (type: Pick<ResourceType, 'group' | 'plural'>): string => `${type.group}/${type.plural}`;

export interface DynamicMonitorsOptions {
  readonly client: RestClient;
  readonly logger: Logger;
  /** group/plural of the resources already watched through the shared informers. */
  readonly covered: ReadonlySet<string>;
  /** Registers the graph's handlers on a new informer (before it starts). */
  readonly register: (informer: Informer<KubeObject>, type: ResourceType) => void;
}

interface Monitor {
  readonly informer: Informer<KubeObject>;
  readonly stop: AbortController;
}

export class DynamicMonitors {
  private readonly monitors = new Map<string, Monitor>();

  constructor(private readonly options: DynamicMonitorsOptions) {}

  /**
   * Starts monitors for deletable resources not watched yet and stops those no longer served;
   * waits (up to `syncTimeoutMs`) for the new ones to list, so the graph knows their objects.
   */
  async sync(types: readonly DiscoveredType[], signal: AbortSignal, syncTimeoutMs: number): Promise<void> {
    const wanted = new Map<string, DiscoveredType>();
    for (const type of types) {
      const key = resourceKey(type);
      if (IGNORED.has(key) || this.options.covered.has(key)) continue;
      if (!['delete', 'list', 'watch'].every((verb) => type.verbs.includes(verb))) continue;
      wanted.set(key, type);
    }
    for (const [key, monitor] of this.monitors) {
      if (wanted.has(key)) continue;
      monitor.stop.abort();
      this.monitors.delete(key);
      this.options.logger.info('stopped monitoring a resource no longer served', { resource: key });
    }
    const started: Monitor[] = [];
    for (const [key, type] of wanted) {
      if (this.monitors.has(key) || signal.aborted) continue;
      const informer = new Informer<KubeObject>({ client: this.options.client, type, logger: this.options.logger.child(type.plural) });
      this.options.register(informer, type);
      const stop = new AbortController();
      signal.addEventListener('abort', () => stop.abort(), { once: true });
      informer.start(stop.signal);
      const monitor = { informer, stop };
      this.monitors.set(key, monitor);
      started.push(monitor);
      this.options.logger.info('monitoring a discovered resource', { resource: key });
    }
    if (started.length === 0) return;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), syncTimeoutMs);
    timer.unref();
    const onAbort = (): void => timeout.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(started.map((m) => m.informer.waitForSync(timeout.signal)));
    } catch {
      if (!signal.aborted) this.options.logger.warn('some discovered resources have not synced yet; collecting anyway', {});
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** group/plural of every dynamic monitor (for tests and logs). */
  keys(): string[] {
    return [...this.monitors.keys()];
  }
}

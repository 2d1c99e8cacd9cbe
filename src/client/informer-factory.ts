// One informer per resource type, shared by every controller in a process (client-go's
// SharedInformerFactory): ten controllers watching pods open one watch, not ten. Ask for the
// informers you need, register handlers, then start() once and waitForSync().
import { setMaxListeners } from 'node:events';
import type { Logger } from '../util/log.js';
import { Informer } from './informer.js';
import type { KubeObject, RestClient } from './rest-client.js';
import type { ResourceType } from './resource-types.js';

export interface InformerFactoryOptions {
  readonly client: RestClient;
  /** Every this often each informer calls onUpdate(obj, obj) for every object; default 10 min. */
  readonly resyncPeriodMs?: number;
  readonly logger?: Logger;
}

type Indexers<T> = Record<string, (obj: T) => string[]>;

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started: AbortSignal | undefined;

  constructor(private readonly options: InformerFactoryOptions) {}

  /**
   * The shared informer for a type (made on first ask). Each caller may bring indexers, before
   * start(); they are gathered into the one informer (a name asked for twice keeps the first).
   */
  for<T extends KubeObject>(type: ResourceType, indexers: Indexers<T> = {}): Informer<T> {
    const key = `${type.group}/${type.version}/${type.plural}`;
    const known = this.informers.get(key) as Informer<T> | undefined;
    if (known !== undefined) {
      if (Object.keys(indexers).length > 0) known.addIndexers(indexers);
      return known;
    }
    if (this.started !== undefined) throw new Error(`informer for ${type.plural} asked for after start()`);
    const informer = new Informer<T>({
      client: this.options.client,
      type,
      resyncPeriodMs: this.options.resyncPeriodMs ?? 600_000,
      indexers,
      ...(this.options.logger === undefined ? {} : { logger: this.options.logger.child(type.plural) }),
    });
    this.informers.set(key, informer as unknown as Informer<KubeObject>);
    return informer;
  }

  start(signal: AbortSignal): void {
    this.started = signal;
    // Every informer listens on the one signal: many listeners are expected.
    setMaxListeners(0, signal);
    for (const informer of this.informers.values()) informer.start(signal);
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.waitForSync(signal)));
  }
}

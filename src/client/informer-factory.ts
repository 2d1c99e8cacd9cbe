// One informer per resource type, shared by every controller in a process (client-go's
// SharedInformerFactory): ten controllers watching pods open one watch, not ten. Ask for the
// informers you need, register handlers, then start() once and waitForSync().
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
  private readonly indexers = new Map<string, Indexers<KubeObject>>();
  private started: AbortSignal | undefined;

  constructor(private readonly options: InformerFactoryOptions) {}

  /**
   * The shared informer for a type (made on first ask). Indexers may be added by any caller
   * before start(); an index name asked for twice must mean the same function.
   */
  for<T extends KubeObject>(type: ResourceType, indexers: Indexers<T> = {}): Informer<T> {
    const key = `${type.group}/${type.version}/${type.plural}`;
    const known = this.informers.get(key);
    if (known !== undefined) {
      if (Object.keys(indexers).some((name) => !(this.indexers.get(key) ?? {})[name])) {
        throw new Error(`informer for ${type.plural}: indexers must be given on first use (before any other caller)`);
      }
      return known as unknown as Informer<T>;
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
    this.indexers.set(key, indexers as Indexers<KubeObject>);
    return informer;
  }

  start(signal: AbortSignal): void {
    this.started = signal;
    for (const informer of this.informers.values()) informer.start(signal);
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.waitForSync(signal)));
  }
}

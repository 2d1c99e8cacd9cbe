// Pods by the node they are bound to, kept from the shared pod informer's events. An index of our
// own rather than an informer indexer: the shared informer takes indexers only from its first
// caller, and the order controllers are built in is not ours to choose.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { keyOf, type Informer } from '../../client/informer.js';

export class PodsByNode {
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeOf = new Map<string, string>();

  constructor(private readonly pods: Informer<Pod>) {
    pods.onAdd((pod) => this.set(pod));
    pods.onUpdate((_, pod) => this.set(pod));
    pods.onDelete((pod) => this.remove(keyOf(pod)));
  }

  /** The cached pods bound to the node. */
  on(nodeName: string): Readonly<Pod>[] {
    const keys = this.byNode.get(nodeName);
    if (keys === undefined) return [];
    const result: Readonly<Pod>[] = [];
    for (const key of keys) {
      const pod = this.pods.get(key);
      if (pod !== undefined && pod.spec?.nodeName === nodeName) result.push(pod);
    }
    return result;
  }

  private set(pod: Readonly<Pod>): void {
    const key = keyOf(pod);
    const node = pod.spec?.nodeName ?? '';
    if (this.nodeOf.get(key) === node) return;
    this.remove(key);
    if (node === '') return;
    this.nodeOf.set(key, node);
    let keys = this.byNode.get(node);
    if (keys === undefined) {
      keys = new Set();
      this.byNode.set(node, keys);
    }
    keys.add(key);
  }

  private remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const keys = this.byNode.get(node);
    keys?.delete(key);
    if (keys?.size === 0) this.byNode.delete(node);
  }
}

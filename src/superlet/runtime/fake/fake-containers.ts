// The in-memory records behind the fake runtime, indexed by node so that one process can hold
// hundreds of simulated nodes without every list walking all of them.
import type { ContainerConfig, ContainerStatus, PodRef, SandboxStatus } from '../runtime.js';

export interface FakeSandbox {
  status: SandboxStatus;
  hostNetwork: boolean;
}

export interface LogLine {
  time: Date;
  text: string;
}

export interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
  logLines: LogLine[];
  exitTimer?: NodeJS.Timeout;
  /** Called once when the container exits or is removed (ends followed logs). */
  onEnd: Set<() => void>;
}

export class NodeIndex<T extends { pod: PodRef }> {
  private readonly byId = new Map<string, T>();
  private readonly byNode = new Map<string, Map<string, T>>();

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  set(id: string, item: T): void {
    this.byId.set(id, item);
    let node = this.byNode.get(item.pod.nodeName);
    if (node === undefined) this.byNode.set(item.pod.nodeName, (node = new Map<string, T>()));
    node.set(id, item);
  }

  delete(id: string): T | undefined {
    const item = this.byId.get(id);
    if (item === undefined) return undefined;
    this.byId.delete(id);
    const node = this.byNode.get(item.pod.nodeName);
    node?.delete(id);
    if (node?.size === 0) this.byNode.delete(item.pod.nodeName);
    return item;
  }

  list(filter: { nodeName: string; podUid?: string }): T[] {
    const node = this.byNode.get(filter.nodeName);
    if (node === undefined) return [];
    const items = [...node.values()];
    return filter.podUid === undefined ? items : items.filter((item) => item.pod.uid === filter.podUid);
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }
}

export function copySandbox(status: SandboxStatus): SandboxStatus {
  return { ...status, pod: { ...status.pod }, annotations: { ...status.annotations } };
}

export function copyContainer(status: ContainerStatus): ContainerStatus {
  return { ...status, pod: { ...status.pod }, annotations: { ...status.annotations } };
}

// The scheduler's view of nodes and of the pods bound to them (upstream internal/cache). A pod the
// scheduler has decided to bind is "assumed" onto its node at once, so the next decision already
// sees its resources taken; when the informer reports the pod bound, the assumption is confirmed;
// when the bind fails, it is forgotten. An acknowledged bind the informer never reports (the pod
// was deleted in between and a relist skipped both) expires, as upstream's assumed-pod TTL did.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from './node-info.js';
import { type PodInfo, newPodInfo } from './pod-info.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  // uid -> when to stop waiting for the informer to confirm an acknowledged bind
  private readonly awaitingConfirmation = new Map<string, number>();
  // Nodes that exist, in a stable order for round-robin filtering; rebuilt lazily after changes.
  private nodeList: NodeInfo[] | undefined;

  addNode(node: Readonly<Node>): void {
    const name = node.metadata?.name ?? '';
    const info = this.nodes.get(name) ?? new NodeInfo(name);
    info.setNode(node);
    this.nodes.set(name, info);
    this.nodeList = undefined;
  }

  updateNode(node: Readonly<Node>): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (info === undefined) return;
    // Pods still bound to a vanished node keep their entry until they go, as upstream keeps it.
    if (info.podCount === 0) this.nodes.delete(name);
    else info.setNode(undefined);
    this.nodeList = undefined;
  }

  /** The nodes that exist, each with its pods. */
  nodeInfos(): readonly NodeInfo[] {
    this.nodeList ??= [...this.nodes.values()].filter((n) => n.node !== undefined);
    return this.nodeList;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** A pod the informer reports bound: confirms an assumption, or adds it. */
  addPod(pod: Readonly<Pod>): void {
    const nodeName = pod.spec?.nodeName ?? '';
    if (nodeName === '') return;
    const info = newPodInfo(pod);
    this.detach(info.uid);
    this.attach({ info, nodeName, assumed: false });
  }

  updatePod(pod: Readonly<Pod>): void {
    this.addPod(pod);
  }

  removePod(pod: Readonly<Pod>): void {
    this.detach(pod.metadata?.uid ?? '');
  }

  /** Counts the pod on `nodeName` before the bind is acknowledged. */
  assumePod(info: PodInfo, nodeName: string): void {
    this.detach(info.uid);
    this.attach({ info, nodeName, assumed: true });
  }

  /** Drops an assumption whose bind failed; a pod the informer already confirmed stays. */
  forgetPod(uid: string): void {
    if (this.podStates.get(uid)?.assumed === true) this.detach(uid);
  }

  /** The bind was acknowledged: the informer should confirm the pod within `ttlMs`. */
  finishBinding(uid: string, now: number, ttlMs: number): void {
    if (this.podStates.get(uid)?.assumed === true) this.awaitingConfirmation.set(uid, now + ttlMs);
  }

  /** Forgets acknowledged assumptions the informer never confirmed in time; returns how many. */
  cleanupExpired(now: number): number {
    let n = 0;
    for (const [uid, deadline] of this.awaitingConfirmation) {
      if (deadline > now) continue;
      this.detach(uid);
      n++;
    }
    return n;
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed === true;
  }

  /** True when the pod is counted on a node, bound or assumed. */
  hasPod(uid: string): boolean {
    return this.podStates.has(uid);
  }

  podCount(): number {
    return this.podStates.size;
  }

  private attach(state: PodState): void {
    let node = this.nodes.get(state.nodeName);
    if (node === undefined) {
      node = new NodeInfo(state.nodeName);
      this.nodes.set(state.nodeName, node);
    }
    node.addPod(state.info);
    this.podStates.set(state.info.uid, state);
  }

  private detach(uid: string): void {
    this.awaitingConfirmation.delete(uid);
    const state = this.podStates.get(uid);
    if (state === undefined) return;
    this.podStates.delete(uid);
    const node = this.nodes.get(state.nodeName);
    if (node === undefined) return;
    node.removePod(uid);
    if (node.node === undefined && node.podCount === 0) this.nodes.delete(state.nodeName);
  }
}

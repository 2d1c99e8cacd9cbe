// A node and what the pods bound (or assumed bound) to it take from it (upstream framework.NodeInfo):
// totals are kept as pods come and go, so a filter reads them in O(1).
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { WILDCARD_IP } from './pod-info.js';
import { type Amounts, addInto, allocatableOf } from './resources.js';
import { effectiveTaints } from './taints.js';

export class NodeInfo {
  private nodeObject: Readonly<Node> | undefined;
  private allocatableAmounts: Amounts = new Map();
  private taintList: Taint[] = [];
  private readonly podsByUid = new Map<string, PodInfo>();
  /** Sum of the pods' requests. */
  readonly requested: Amounts = new Map();
  /** Sum of the pods' cpu and memory requests with the per-container defaults (for scoring). */
  nonZeroCpu = 0n;
  nonZeroMemory = 0n;
  // "protocol/port" -> ip -> how many pods hold it
  private readonly ports = new Map<string, Map<string, number>>();
  private readonly controllers = new Map<string, number>();

  constructor(readonly name: string) {}

  get node(): Readonly<Node> | undefined {
    return this.nodeObject;
  }

  get allocatable(): Amounts {
    return this.allocatableAmounts;
  }

  get taints(): readonly Taint[] {
    return this.taintList;
  }

  get podCount(): number {
    return this.podsByUid.size;
  }

  pods(): IterableIterator<PodInfo> {
    return this.podsByUid.values();
  }

  setNode(node: Readonly<Node> | undefined): void {
    this.nodeObject = node;
    this.allocatableAmounts = node === undefined ? new Map<string, bigint>() : allocatableOf(node);
    this.taintList = node === undefined ? [] : effectiveTaints(node);
  }

  addPod(info: PodInfo): void {
    if (this.podsByUid.has(info.uid)) this.removePod(info.uid);
    this.podsByUid.set(info.uid, info);
    this.account(info, 1);
  }

  removePod(uid: string): void {
    const info = this.podsByUid.get(uid);
    if (info === undefined) return;
    this.podsByUid.delete(uid);
    this.account(info, -1);
  }

  /** Pods of this controller on the node. */
  controllerPods(controllerUid: string): number {
    return this.controllers.get(controllerUid) ?? 0;
  }

  /** True when a pod wanting `port` would clash with one already here (upstream HostPortInfo.CheckConflict). */
  portConflict(port: HostPort): boolean {
    const ips = this.ports.get(`${port.protocol}/${port.port}`);
    if (ips === undefined) return false;
    if (port.ip === WILDCARD_IP) return ips.size > 0;
    return ips.has(port.ip) || ips.has(WILDCARD_IP);
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    const big = sign === 1 ? 1n : -1n;
    addInto(this.requested, info.requests, big);
    this.nonZeroCpu += big * info.nonZeroCpu;
    this.nonZeroMemory += big * info.nonZeroMemory;
    for (const p of info.hostPorts) {
      const key = `${p.protocol}/${p.port}`;
      const ips = this.ports.get(key) ?? new Map<string, number>();
      bump(ips, p.ip, sign);
      if (ips.size === 0) this.ports.delete(key);
      else this.ports.set(key, ips);
    }
    // Pods on their way out no longer count towards spreading, as upstream's SelectorSpread skips them.
    if (info.controllerUid !== undefined && info.pod.metadata?.deletionTimestamp === undefined) {
      bump(this.controllers, info.controllerUid, sign);
    }
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

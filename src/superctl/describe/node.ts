// describe node, as kubectl's NodeDescriber: roles, taints, lease, conditions, addresses,
// capacity, system info, the pods on it with their requests, and the sum against allocatable.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Container, Node, Pod } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../../api/quantity.js';
import type { RestClient } from '../../client/rest-client.js';
import { Leases, Pods } from '../../client/resource-types.js';
import { printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, rfc1123z, since } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

function rolesOf(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) roles.add(key.slice(ROLE_PREFIX.length));
    if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function sum(containers: Container[], kind: 'requests' | 'limits', resource: string): Quantity {
  let total = Quantity.parse('0');
  for (const c of containers) {
    const value = c.resources?.[kind]?.[resource];
    if (value !== undefined) total = total.add(Quantity.parse(value));
  }
  return total;
}

// A pod's effective request: the larger of its containers' sum and any one init container.
function podAmount(pod: Pod, kind: 'requests' | 'limits', resource: string): Quantity {
  let total = sum(pod.spec?.containers ?? [], kind, resource);
  for (const init of pod.spec?.initContainers ?? []) {
    const one = sum([init], kind, resource);
    if (one.cmp(total) > 0) total = one;
  }
  return total;
}

function percent(part: Quantity, whole: string | undefined): number {
  if (whole === undefined) return 0;
  const total = Quantity.parse(whole);
  if (total.isZero()) return 0;
  return Math.trunc((Number(part.milliValue()) / Number(total.milliValue())) * 100);
}

export async function describeNode(client: RestClient, node: Node): Promise<string> {
  const m = node.metadata ?? {};
  const name = m.name ?? '';
  const events = await eventsFor(client, { kind: 'Node', metadata: { name, ...(m.uid !== undefined ? { uid: m.uid } : {}) } });
  const pods = (await client.list<Pod>(Pods, { fieldSelector: `spec.nodeName=${name},status.phase!=Failed,status.phase!=Succeeded` })).items;
  let lease: Lease | undefined;
  let leaseError: string | undefined;
  try {
    lease = await client.get<Lease>(Leases, name, 'kube-node-lease');
  } catch (error) {
    leaseError = (error as Error).message;
  }
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  const w = new PrefixWriter();
  w.write(0, `Name:\t${name}\n`);
  w.write(0, `Roles:\t${rolesOf(m.labels)}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(m.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${String(spec.unschedulable ?? false)}\n`);
  if (lease === undefined) w.write(0, `Lease:\tFailed to get lease: ${leaseError ?? ''}\n`);
  else {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime === undefined ? '<unset>' : rfc1123z(lease.spec.acquireTime)}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime === undefined ? '<unset>' : rfc1123z(lease.spec.renewTime)}\n`);
  }
  if ((status.conditions ?? []).length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of status.conditions ?? []) {
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [['Capacity', status.capacity], ['Allocatable', status.allocatable]] as const) {
    const keys = Object.keys(list ?? {}).sort();
    if (keys.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const k of keys) w.write(1, `${k}:\t${list?.[k] ?? ''}\n`);
  }
  const info = status.nodeInfo;
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info?.machineID ?? ''}\n`);
  w.write(0, `  System UUID:\t${info?.systemUUID ?? ''}\n`);
  w.write(0, `  Boot ID:\t${info?.bootID ?? ''}\n`);
  w.write(0, `  Kernel Version:\t${info?.kernelVersion ?? ''}\n`);
  w.write(0, `  OS Image:\t${info?.osImage ?? ''}\n`);
  w.write(0, `  Operating System:\t${info?.operatingSystem ?? ''}\n`);
  w.write(0, `  Architecture:\t${info?.architecture ?? ''}\n`);
  w.write(0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}\n`);
  w.write(0, `  Kubelet Version:\t${info?.kubeletVersion ?? ''}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ''}\n`);
  if (spec.podCIDR !== undefined && spec.podCIDR !== '') w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if ((spec.podCIDRs ?? []).length > 0) w.write(0, `PodCIDRs:\t${(spec.podCIDRs ?? []).join(',')}\n`);
  if (spec.providerID !== undefined && spec.providerID !== '') w.write(0, `ProviderID:\t${spec.providerID}\n`);
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const allocatable = status.allocatable ?? {};
  for (const pod of pods) {
    const cpuReq = podAmount(pod, 'requests', 'cpu');
    const cpuLim = podAmount(pod, 'limits', 'cpu');
    const memReq = podAmount(pod, 'requests', 'memory');
    const memLim = podAmount(pod, 'limits', 'memory');
    w.write(
      1,
      `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t${cpuReq.toString()} (${percent(cpuReq, allocatable.cpu)}%)\t${cpuLim.toString()} (${percent(cpuLim, allocatable.cpu)}%)\t${memReq.toString()} (${percent(memReq, allocatable.memory)}%)\t${memLim.toString()} (${percent(memLim, allocatable.memory)}%)\t${since(pod.metadata?.creationTimestamp)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
    let requests = Quantity.parse('0');
    let limits = Quantity.parse('0');
    for (const pod of pods) {
      requests = requests.add(podAmount(pod, 'requests', resource));
      limits = limits.add(podAmount(pod, 'limits', resource));
    }
    w.write(1, `${resource}\t${requests.toString()} (${percent(requests, allocatable[resource])}%)\t${limits.toString()} (${percent(limits, allocatable[resource])}%)\n`);
  }
  describeEvents(w, events);
  return w.toString();
}

// The whole rule set of the proxy as one iptables-restore input (used with --noflush, so other
// chains, Docker's included, are left alone). The layout is kube-proxy's iptables mode:
//
//   nat    PREROUTING, OUTPUT -> SERVICES: ClusterIP:port -> SVC-x; local address -> NODEPORTS
//          NODEPORTS: nodePort -> EXT-x (externalTrafficPolicy) -> SVC-x, or SVL-x (local endpoints)
//          SVC-x: random choice (statistic) or ClientIP affinity (recent) -> SEP-y: DNAT to the pod
//          POSTROUTING -> POSTROUTING: masquerade what MARK-MASQ marked
//   filter FORWARD, OUTPUT -> SERVICES: reject service ports without endpoints, then the whole
//          service range: an address the nat rules did not translate never leaves the node
//          INPUT -> EXTERNAL-SERVICES: nodePorts without endpoints; INPUT -> FIREWALL: localnet guard
//          FORWARD -> FORWARD: accept marked service traffic where the policy is DROP
//
// Declaring a chain in a --noflush restore flushes it, so every run rewrites all our chains at
// once; chains no longer wanted are flushed and deleted in the same transaction.
import {
  endpointChain, EXTERNAL_SERVICES_CHAIN, externalChain, FIREWALL_CHAIN, FORWARD_CHAIN, isOurChain, localServiceChain,
  MARK_MASQ_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, serviceChain, SERVICES_CHAIN,
} from './chain-names.js';
import { usableEndpoints, type ServiceEndpoint, type ServicePort } from './service-map.js';

export type Table = 'filter' | 'nat';

/** The mark of packets to masquerade: kube-proxy's default bit, so both agree on its meaning. */
export const MASQUERADE_MARK = '0x4000';

/** A rule in a built-in chain that sends packets to one of ours. */
export interface JumpRule {
  readonly table: Table;
  readonly chain: string;
  readonly target: string;
  readonly spec: string;
}

const jump = (table: Table, chain: string, target: string, match: string, comment: string): JumpRule =>
  ({ table, chain, target, spec: `${match === '' ? '' : `${match} `}-m comment --comment "${comment}" -j ${target}` });

/** In insertion order: each goes to position 1, so the last one listed for a chain ends up first. */
export const JUMP_RULES: readonly JumpRule[] = [
  jump('filter', 'INPUT', EXTERNAL_SERVICES_CHAIN, '-m conntrack --ctstate NEW', 'supernetes externally-visible service portals'),
  jump('filter', 'INPUT', FIREWALL_CHAIN, '', 'supernetes localnet guard'),
  jump('filter', 'FORWARD', FORWARD_CHAIN, '', 'supernetes forwarding rules'),
  jump('filter', 'FORWARD', SERVICES_CHAIN, '', 'supernetes service portals'),
  jump('filter', 'OUTPUT', SERVICES_CHAIN, '', 'supernetes service portals'),
  jump('nat', 'PREROUTING', SERVICES_CHAIN, '', 'supernetes service portals'),
  jump('nat', 'OUTPUT', SERVICES_CHAIN, '', 'supernetes service portals'),
  jump('nat', 'POSTROUTING', POSTROUTING_CHAIN, '', 'supernetes postrouting rules'),
];

export interface RuleSetOptions {
  /** The range ClusterIPs come from; anything in it without a rule is rejected. */
  readonly serviceCidr: string;
  /** The pods' range, when known: traffic to a ClusterIP from outside it is masqueraded. */
  readonly clusterCidr?: string;
  /** This node's name: its endpoints are the local ones (externalTrafficPolicy: Local). */
  readonly nodeName: string;
  /** Whether 127.0.0.1:nodePort works (needs route_localnet, so the localnet guard is added). */
  readonly localhostNodePorts: boolean;
}

/** What iptables-save showed of ours: chains per table, and which jump rules exist. */
export interface CurrentState {
  readonly chains: Record<Table, ReadonlySet<string>>;
  readonly jumps: ReadonlySet<string>;
}

export const jumpKey = (j: Pick<JumpRule, 'table' | 'chain' | 'target'>): string => `${j.table}/${j.chain}/${j.target}`;

class TableWriter {
  readonly chains: string[] = [];
  readonly rules: string[] = [];
  chain(name: string): string {
    if (!this.chains.includes(name)) this.chains.push(name);
    return name;
  }
  add(chain: string, rule: string): void {
    this.rules.push(`-A ${chain} ${rule}`);
  }
}

const proto = (p: ServicePort): string => p.protocol.toLowerCase();
const portMatch = (p: ServicePort, port: number): string => `-p ${proto(p)} -m ${proto(p)} --dport ${port}`;
const comment = (text: string): string => `-m comment --comment "${text}"`;

/** Load balancing over endpoints: affinity first (recent), then 1/n, 1/(n-1), ... so each gets 1/n. */
function balance(nat: TableWriter, chain: string, p: ServicePort, endpoints: readonly ServiceEndpoint[], sep: Map<string, string>): void {
  if (p.affinitySeconds !== undefined) {
    for (const e of endpoints) {
      const target = sep.get(`${e.ip}:${e.port}`) ?? '';
      nat.add(chain, `${comment(`${p.name} -> ${e.ip}:${e.port}`)} -m recent --name ${target} --rcheck --seconds ${p.affinitySeconds} --reap -j ${target}`);
    }
  }
  endpoints.forEach((e, i) => {
    const target = sep.get(`${e.ip}:${e.port}`) ?? '';
    const left = endpoints.length - i;
    const chance = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    nat.add(chain, `${comment(`${p.name} -> ${e.ip}:${e.port}`)}${chance} -j ${target}`);
  });
}

function writeServicePort(nat: TableWriter, filter: TableWriter, p: ServicePort, options: RuleSetOptions): void {
  const all = usableEndpoints(p.endpoints);
  const local = all.filter((e) => e.nodeName === options.nodeName);
  const clusterPort = `-d ${p.clusterIP}/32 ${portMatch(p, p.port)}`;

  // One SEP chain per endpoint.
  const sep = new Map<string, string>();
  for (const e of all) {
    const chain = nat.chain(endpointChain(p.name, p.protocol, `${e.ip}:${e.port}`));
    sep.set(`${e.ip}:${e.port}`, chain);
    // Hairpin: a pod reaching itself through the Service must see the reply come from the node.
    nat.add(chain, `${comment(p.name)} -s ${e.ip}/32 -j ${MARK_MASQ_CHAIN}`);
    const affinity = p.affinitySeconds === undefined ? '' : ` -m recent --name ${chain} --set`;
    nat.add(chain, `${comment(p.name)}${affinity} -p ${proto(p)} -m ${proto(p)} -j DNAT --to-destination ${e.ip}:${e.port}`);
  }
  // The cluster-wide chain (SVC) over every endpoint, the local one (SVL) over this node's; each
  // written only when a path uses it.
  const usesLocal = p.internalPolicyLocal || (p.nodePort !== undefined && p.externalPolicyLocal);
  const usesCluster = !p.internalPolicyLocal || p.nodePort !== undefined;
  const svc = all.length > 0 && usesCluster ? nat.chain(serviceChain(p.name, p.protocol)) : undefined;
  if (svc !== undefined) balance(nat, svc, p, all, sep);
  const svl = local.length > 0 && usesLocal ? nat.chain(localServiceChain(p.name, p.protocol)) : undefined;
  if (svl !== undefined) balance(nat, svl, p, local, sep);

  const internal = p.internalPolicyLocal ? svl : svc;
  if (internal === undefined) {
    filter.add(SERVICES_CHAIN, `${comment(`${p.name} has no endpoints`)} ${clusterPort} -j REJECT --reject-with icmp-port-unreachable`);
  } else {
    if (options.clusterCidr !== undefined) {
      nat.add(SERVICES_CHAIN, `${comment(`${p.name} cluster IP`)} ! -s ${options.clusterCidr} ${clusterPort} -j ${MARK_MASQ_CHAIN}`);
    }
    nat.add(SERVICES_CHAIN, `${comment(`${p.name} cluster IP`)} ${clusterPort} -j ${internal}`);
  }

  if (p.nodePort === undefined) return;
  const nodePort = `-m addrtype --dst-type LOCAL ${portMatch(p, p.nodePort)}`;
  if (svc === undefined) {
    filter.add(EXTERNAL_SERVICES_CHAIN, `${comment(`${p.name} has no endpoints`)} ${nodePort} -j REJECT --reject-with icmp-port-unreachable`);
    return;
  }
  const ext = nat.chain(externalChain(p.name, p.protocol));
  nat.add(NODEPORTS_CHAIN, `${comment(p.name)} ${portMatch(p, p.nodePort)} -j ${ext}`);
  if (!p.externalPolicyLocal) {
    // The node forwards on behalf of the client: replies must come back through it.
    nat.add(ext, `${comment(`masquerade traffic for ${p.name} external destinations`)} -j ${MARK_MASQ_CHAIN}`);
    nat.add(ext, `-j ${svc}`);
    return;
  }
  // Local: the client's address is kept; pods and the node itself still reach every endpoint.
  if (options.clusterCidr !== undefined) nat.add(ext, `${comment('pod traffic for external destinations')} -s ${options.clusterCidr} -j ${svc}`);
  nat.add(ext, `${comment('masquerade LOCAL traffic for external destinations')} -m addrtype --src-type LOCAL -j ${MARK_MASQ_CHAIN}`);
  nat.add(ext, `${comment('route LOCAL traffic for external destinations')} -m addrtype --src-type LOCAL -j ${svc}`);
  if (svl === undefined) {
    filter.add(EXTERNAL_SERVICES_CHAIN, `${comment(`${p.name} has no local endpoints`)} ${nodePort} -j DROP`);
    return;
  }
  nat.add(ext, `-j ${svl}`);
}

/** The iptables-restore input that makes the rules exactly `ports`, from the `current` state. */
export function renderRules(ports: readonly ServicePort[], options: RuleSetOptions, current: CurrentState): string {
  const nat = new TableWriter();
  const filter = new TableWriter();
  for (const name of [SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN]) nat.chain(name);
  for (const name of [SERVICES_CHAIN, EXTERNAL_SERVICES_CHAIN, FORWARD_CHAIN, FIREWALL_CHAIN]) filter.chain(name);

  nat.add(POSTROUTING_CHAIN, `-m mark ! --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j RETURN`);
  // Cleared so that a packet re-entering the stack (e.g. through a tunnel) is not masqueraded twice.
  nat.add(POSTROUTING_CHAIN, `-j MARK --xor-mark ${MASQUERADE_MARK}`);
  nat.add(POSTROUTING_CHAIN, `${comment('supernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  nat.add(MARK_MASQ_CHAIN, `-j MARK --or-mark ${MASQUERADE_MARK}`);
  filter.add(FORWARD_CHAIN, `${comment('supernetes forwarding rules')} -m mark --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j ACCEPT`);
  if (options.localhostNodePorts) {
    filter.add(FIREWALL_CHAIN, `${comment('block incoming localnet connections')} -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`);
  }

  for (const p of ports) writeServicePort(nat, filter, p, options);

  // Last: node ports (on any local address, 127.0.0.1 among them), then the whole service range.
  nat.add(SERVICES_CHAIN, `${comment('supernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${NODEPORTS_CHAIN}`);
  filter.add(SERVICES_CHAIN, `${comment('no service at this address: traffic to the service range never leaves the node')} -d ${options.serviceCidr} -j REJECT --reject-with icmp-port-unreachable`);

  const lines: string[] = [];
  // filter first: the range is rejected before (or in the same run as) any service's DNAT.
  for (const [table, writer] of [['filter', filter], ['nat', nat]] as const) {
    lines.push(`*${table}`);
    const stale = [...current.chains[table]].filter((c) => isOurChain(c) && !writer.chains.includes(c)).sort();
    for (const chain of [...writer.chains, ...stale]) lines.push(`:${chain} - [0:0]`);
    lines.push(...writer.rules);
    for (const j of JUMP_RULES) {
      if (j.table === table && !current.jumps.has(jumpKey(j))) lines.push(`-I ${j.chain} 1 ${j.spec}`);
    }
    for (const chain of stale) lines.push(`-X ${chain}`);
    lines.push('COMMIT');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What the tables hold of ours once `input` (from renderRules) is applied: the chains it declared
 * and did not delete, and every jump. Lets the next sync skip iptables-save.
 */
export function stateAfter(input: string): CurrentState {
  const chains: Record<Table, Set<string>> = { filter: new Set(), nat: new Set() };
  let table: Table | undefined;
  for (const line of input.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1) === 'nat' ? 'nat' : 'filter';
    else if (table !== undefined && line.startsWith(':')) chains[table].add(line.slice(1).split(' ')[0] ?? '');
    else if (table !== undefined && line.startsWith('-X ')) chains[table].delete(line.slice(3).trim());
  }
  return { chains, jumps: new Set(JUMP_RULES.map(jumpKey)) };
}

/** The restore input that removes every rule and chain of ours that `save` (iptables-save output) shows. */
export function renderCleanup(save: string): string {
  const parsed = parseSave(save);
  const lines: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const ours = [...parsed.chains[table]].filter(isOurChain).sort();
    const jumps = parsed.jumpLines[table];
    if (ours.length === 0 && jumps.length === 0) continue;
    lines.push(`*${table}`);
    for (const rule of jumps) lines.push(rule.replace(/^-A /, '-D '));
    for (const chain of ours) lines.push(`:${chain} - [0:0]`);
    for (const chain of ours) lines.push(`-X ${chain}`);
    lines.push('COMMIT');
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Our chains and the built-in chains' rules that jump to them, from iptables-save output. */
export function parseSave(save: string): CurrentState & { jumpLines: Record<Table, string[]> } {
  const chains: Record<Table, Set<string>> = { filter: new Set(), nat: new Set() };
  const jumpLines: Record<Table, string[]> = { filter: [], nat: [] };
  const jumps = new Set<string>();
  let table: Table | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      table = name === 'filter' || name === 'nat' ? name : undefined;
    } else if (table === undefined) {
      continue;
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      if (isOurChain(name)) chains[table].add(name);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const target = / -j (\S+)/.exec(line)?.[1] ?? '';
      if (!isOurChain(chain) && isOurChain(target)) {
        jumpLines[table].push(line);
        jumps.add(jumpKey({ table, chain, target }));
      }
    }
  }
  return { chains, jumps, jumpLines };
}

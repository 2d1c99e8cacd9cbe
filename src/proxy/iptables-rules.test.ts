import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import { MAX_CHAIN_NAME, serviceChain } from './chain-names.js';
import { JUMP_RULES, jumpKey, parseSave, renderCleanup, renderRules, stateAfter, type CurrentState, type RuleSetOptions } from './iptables-rules.js';
import { buildServicePorts, SERVICE_NAME_LABEL } from './service-map.js';

const options: RuleSetOptions = { serviceCidr: '10.96.0.0/12', nodeName: 'n1', localhostNodePorts: true };
const empty: CurrentState = { chains: { filter: new Set(), nat: new Set() }, jumps: new Set() };

function service(name: string, spec: Service['spec']): Service {
  return { metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP' }], ...spec } };
}

function slice(svc: string, endpoints: { ip: string; ready?: boolean; node?: string; terminating?: boolean; serving?: boolean }[], port = 8080): EndpointSlice {
  return {
    metadata: { name: `${svc}-abc`, namespace: 'default', labels: { [SERVICE_NAME_LABEL]: svc } },
    addressType: 'IPv4',
    ports: [{ name: '', port, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, ...(e.serving === undefined ? {} : { serving: e.serving }), ...(e.terminating === undefined ? {} : { terminating: e.terminating }) },
      ...(e.node === undefined ? {} : { nodeName: e.node }),
    })),
  };
}

const lines = (text: string, needle: string): string[] => text.split('\n').filter((l) => l.includes(needle));

describe('service ports from Services and EndpointSlices', () => {
  it('joins ports by name and protocol, keeps ready endpoints, skips headless and ExternalName', () => {
    const ports = buildServicePorts(
      [service('web', {}), service('headless', { clusterIP: 'None' }), service('ext', { type: 'ExternalName', externalName: 'x.example' })],
      [slice('web', [{ ip: '172.17.0.3' }, { ip: '172.17.0.2', ready: false }, { ip: '172.17.0.4' }]), slice('headless', [{ ip: '172.17.0.9' }])],
    );
    expect(ports.map((p) => p.name)).toEqual(['default/web:']);
    expect(ports[0]?.endpoints.map((e) => `${e.ip}:${e.port}:${e.ready}`)).toEqual(['172.17.0.2:8080:false', '172.17.0.3:8080:true', '172.17.0.4:8080:true']);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const ports = buildServicePorts([service('web', {})], [slice('web', [{ ip: '172.17.0.3', ready: false, serving: true, terminating: true }, { ip: '172.17.0.4', ready: false }])]);
    const text = renderRules(ports, options, empty);
    expect(text).toContain('--to-destination 172.17.0.3:8080');
    expect(text).not.toContain('172.17.0.4');
  });
});

describe('the rule set', () => {
  it('rejects the whole service range in filter, after the per-service rejects, and writes filter before nat', () => {
    const text = renderRules([], options, empty);
    const filterAt = text.indexOf('*filter');
    const natAt = text.indexOf('*nat');
    expect(filterAt).toBeGreaterThanOrEqual(0);
    expect(filterAt).toBeLessThan(natAt);
    expect(lines(text, '-A SUPERNETES-SERVICES -m comment').filter((l) => l.includes('-d 10.96.0.0/12 -j REJECT'))).toHaveLength(1);
    // Every jump rule is inserted when none exists yet.
    expect(lines(text, '-I ')).toHaveLength(JUMP_RULES.length);
  });

  it('balances over n endpoints with probabilities 1/n, 1/(n-1), ... and DNATs each to its pod', () => {
    const ports = buildServicePorts([service('web', { type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      [slice('web', [{ ip: '172.17.0.2' }, { ip: '172.17.0.3' }, { ip: '172.17.0.4' }])]);
    const text = renderRules(ports, options, empty);
    const svc = serviceChain('default/web:', 'TCP');
    const jumps = lines(text, `-A ${svc} `);
    expect(jumps.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'rest')).toEqual(['0.3333333333', '0.5000000000', 'rest']);
    expect(lines(text, '-j DNAT').map((l) => /--to-destination (\S+)/.exec(l)?.[1])).toEqual(['172.17.0.2:8080', '172.17.0.3:8080', '172.17.0.4:8080']);
    expect(text).toContain(`-d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j ${svc}`);
    // The node port, on any local address, is masqueraded (Cluster policy) and goes to the same chain.
    expect(lines(text, '-A SUPERNETES-NODEPORTS').join('\n')).toContain('--dport 30080');
    expect(text).toContain('-A SUPERNETES-SERVICES -m comment --comment "supernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j SUPERNETES-NODEPORTS');
  });

  it('rejects a service port without endpoints, and its node port on local addresses', () => {
    const ports = buildServicePorts([service('web', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })], [slice('web', [{ ip: '172.17.0.2', ready: false }])]);
    const text = renderRules(ports, options, empty);
    expect(text).toContain('"default/web: has no endpoints" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REJECT');
    expect(lines(text, '-A SUPERNETES-EXTERNAL-SERVICES').join('\n')).toContain('--dport 30080 -j REJECT');
    expect(text).not.toContain('-j DNAT');
  });

  it('sends externalTrafficPolicy: Local node-port traffic to local endpoints only, and drops it without any', () => {
    const svc = service('web', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
    const local = renderRules(buildServicePorts([svc], [slice('web', [{ ip: '172.17.0.2', node: 'n1' }, { ip: '172.17.0.3', node: 'n2' }])]), options, empty);
    const svl = lines(local, '-A SUPERNETES-SVL-');
    expect(svl).toHaveLength(1);
    expect(svl[0]).toContain('172.17.0.2');
    expect(lines(local, '-A SUPERNETES-EXT-').join('\n')).toContain('--src-type LOCAL -j SUPERNETES-MARK-MASQ');
    const none = renderRules(buildServicePorts([svc], [slice('web', [{ ip: '172.17.0.3', node: 'n2' }])]), options, empty);
    expect(lines(none, '-A SUPERNETES-EXTERNAL-SERVICES').join('\n')).toContain('has no local endpoints" -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j DROP');
  });

  it('keeps ClientIP affinity with the recent match, checked before the random choice', () => {
    const ports = buildServicePorts([service('web', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })],
      [slice('web', [{ ip: '172.17.0.2' }, { ip: '172.17.0.3' }])]);
    const text = renderRules(ports, options, empty);
    const svc = lines(text, `-A ${serviceChain('default/web:', 'TCP')} `);
    expect(svc.slice(0, 2).every((l) => l.includes('--rcheck --seconds 60 --reap'))).toBe(true);
    expect(svc.slice(2).every((l) => !l.includes('recent'))).toBe(true);
    expect(lines(text, '-j DNAT').every((l) => l.includes('-m recent --name SUPERNETES-SEP-') && l.includes('--set'))).toBe(true);
  });

  it('writes UDP rules with the udp match', () => {
    const ports = buildServicePorts([service('dns', { ports: [{ port: 53, protocol: 'UDP' }] })],
      [{ ...slice('dns', [{ ip: '172.17.0.2' }], 53), ports: [{ port: 53, protocol: 'UDP' }] }]);
    expect(renderRules(ports, options, empty)).toContain('-p udp -m udp --dport 53');
  });

  it('deletes the chains no longer wanted and inserts only missing jumps', () => {
    const stale = 'SUPERNETES-SVC-AAAAAAAAAAAAA';
    const current: CurrentState = { chains: { filter: new Set(), nat: new Set([stale, 'SUPERNETES-SERVICES']) }, jumps: new Set(JUMP_RULES.map(jumpKey)) };
    const text = renderRules([], options, current);
    expect(text).toContain(`:${stale} - [0:0]`);
    expect(text).toContain(`-X ${stale}`);
    expect(text).not.toContain('-I ');
  });

  it('keeps every chain name within the 28 characters iptables allows', () => {
    expect(serviceChain('a-very-long-namespace-name/a-very-long-service-name:http-port', 'TCP')).toHaveLength(MAX_CHAIN_NAME);
  });

  it('removes exactly our jumps and chains from what iptables-save shows', () => {
    const save = [
      '*filter', ':INPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', ':SUPERNETES-SERVICES - [0:0]',
      '-A FORWARD -m comment --comment "supernetes service portals" -j SUPERNETES-SERVICES', '-A FORWARD -j DOCKER-USER', 'COMMIT',
      '*nat', ':PREROUTING ACCEPT [0:0]', ':DOCKER - [0:0]', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', 'COMMIT', '',
    ].join('\n');
    expect(parseSave(save).jumps).toEqual(new Set(['filter/FORWARD/SUPERNETES-SERVICES']));
    expect(renderCleanup(save)).toBe([
      '*filter', '-D FORWARD -m comment --comment "supernetes service portals" -j SUPERNETES-SERVICES',
      ':SUPERNETES-SERVICES - [0:0]', '-X SUPERNETES-SERVICES', 'COMMIT', '',
    ].join('\n'));
  });
});

describe('the state a restore leaves', () => {
  it('is the chains declared and not deleted, with every jump, so the next render needs no iptables-save', () => {
    const stale = 'SUPERNETES-SVC-AAAAAAAAAAAAA';
    const ports = buildServicePorts([service('web', {})], [slice('web', [{ ip: '172.17.0.2' }])]);
    const first = renderRules(ports, options, { chains: { filter: new Set(), nat: new Set([stale]) }, jumps: new Set() });
    const after = stateAfter(first);
    expect(after.chains.nat.has(stale)).toBe(false);
    expect(after.chains.nat.has(serviceChain('default/web:', 'TCP'))).toBe(true);
    // Removing the Service next: its chains are flushed and deleted, no jump is inserted twice.
    const second = renderRules([], options, after);
    expect(second).toContain(`-X ${serviceChain('default/web:', 'TCP')}`);
    expect(second).not.toContain('-I ');
  });
});

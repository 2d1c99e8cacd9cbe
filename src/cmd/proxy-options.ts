// The options of SuperProxy, shared by `supernetes proxy`, `server` and `agent`, and its start
// from them: the service rules for this node and, on the pods' Docker bridge, cluster DNS.
import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { dockerBridgeGateway } from '../proxy/dns/bridge-address.js';
import { Iptables } from '../proxy/iptables.js';
import { DEFAULT_SERVICE_CIDR, SuperProxy } from '../proxy/super-proxy.js';
import type { Logger } from '../util/log.js';

export interface ProxyFlags {
  serviceCidr: string;
  clusterCidr?: string;
  iptables: string;
  localhostNodeports: boolean;
  clusterDnsServer: boolean;
  dnsPort: string;
}

export function addProxyOptions(command: Command): Command {
  return command
    .option('--service-cidr <cidr>', 'the range ClusterIPs come from (the API server allocates from 10.96.0.0/12)', DEFAULT_SERVICE_CIDR)
    .option('--cluster-cidr <cidr>', "the pods' range: traffic to a ClusterIP from outside it is masqueraded")
    .option('--iptables <binary>', 'the iptables binary (the one Docker uses)', 'iptables')
    .option('--no-localhost-nodeports', 'do not serve node ports on 127.0.0.1 (leaves route_localnet alone)')
    .option('--no-cluster-dns-server', "do not run cluster DNS on the Docker bridge's gateway")
    .option('--dns-port <port>', 'the port cluster DNS listens on', '53');
}

function checkCidr(text: string, flag: string): string {
  const [ip, bits] = text.split('/');
  if (ip === undefined || isIP(ip) !== 4 || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > 32) {
    throw new Error(`invalid ${flag} "${text}": use an IPv4 CIDR such as 10.96.0.0/12`);
  }
  return text;
}

export interface StartedProxy {
  readonly proxy: SuperProxy;
  /** The address cluster DNS listens on (for the superlet's --cluster-dns), if it runs. */
  readonly dnsAddress?: string;
}

export async function startProxy(options: {
  config: ClientConfig; flags: ProxyFlags; nodeName: string; clusterDomain?: string; logger: Logger; signal: AbortSignal;
}): Promise<StartedProxy> {
  const { flags, logger } = options;
  const serviceCidr = checkCidr(flags.serviceCidr, '--service-cidr');
  const clusterCidr = flags.clusterCidr === undefined ? undefined : checkCidr(flags.clusterCidr, '--cluster-cidr');
  const dnsPort = Number(flags.dnsPort);
  if (!Number.isInteger(dnsPort) || dnsPort < 0 || dnsPort > 65535) throw new Error(`invalid --dns-port "${flags.dnsPort}"`);
  let dnsAddress: string | undefined;
  if (flags.clusterDnsServer) {
    dnsAddress = await dockerBridgeGateway().catch((error: unknown) => {
      logger.warn('no Docker bridge to serve cluster DNS on; running without it', { error });
      return undefined;
    });
  }
  const proxy = new SuperProxy({
    client: new RestClient({ config: { ...options.config, userAgent: 'supernetes-proxy' } }),
    nodeName: options.nodeName,
    serviceCidr,
    ...(clusterCidr === undefined ? {} : { clusterCidr }),
    localhostNodePorts: flags.localhostNodeports,
    iptables: new Iptables({ binary: flags.iptables }),
    ...(dnsAddress === undefined ? {} : { dns: { addresses: [dnsAddress], port: dnsPort, ...(options.clusterDomain === undefined ? {} : { clusterDomain: options.clusterDomain }) } }),
    logger: logger.child('proxy'),
  });
  await proxy.start(options.signal);
  return { proxy, ...(dnsAddress === undefined ? {} : { dnsAddress }) };
}

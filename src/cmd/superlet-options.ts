// The options every command that runs a superlet shares (server, agent, superlet), and the start
// of a superlet from them, so all three run it the same way.
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { Superlet } from '../superlet/superlet.js';
import type { Logger } from '../util/log.js';
import { createRuntime } from './runtime-choice.js';

export interface SuperletFlags {
  nodeName: string;
  address?: string;
  runtime: string;
  superletPort: string;
  nodeLabels?: string;
  clusterDns?: string;
  clusterDomain: string;
}

export function addSuperletOptions(command: Command): Command {
  return command
    .option('--node-name <name>', 'the node this superlet registers', hostname().toLowerCase())
    .option('--address <ip>', "the node's address; the API server reaches the superlet's API there")
    .option('--runtime <runtime>', 'docker (Docker Engine API; Podman through DOCKER_HOST) or fake (starts nothing)', 'docker')
    .option('--superlet-port <port>', "the superlet's own HTTPS API port (0 picks a free one)", '10250')
    .option('--node-labels <labels>', 'extra node labels, key=value,...')
    .option('--cluster-dns <ips>', "the cluster DNS addresses for pods' resolv.conf (comma-separated); none: ClusterFirst pods fall back to Default")
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local');
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`invalid --node-labels entry "${pair}": use key=value`);
    labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return labels;
}

function parseAddresses(text: string | undefined): string[] {
  const addresses = (text ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const address of addresses) if (isIP(address) === 0) throw new Error(`invalid --cluster-dns address "${address}": use IP addresses`);
  return addresses;
}

export async function startSuperlet(options: {
  config: ClientConfig; flags: SuperletFlags; dataDir: string; defaultAddress: string; logger: Logger; signal: AbortSignal;
}): Promise<Superlet> {
  const { flags } = options;
  const port = Number(flags.superletPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --superlet-port "${flags.superletPort}"`);
  if (options.config.caPem === undefined) throw new Error('the superlet needs the cluster CA (to accept only the API server)');
  const address = flags.address ?? options.defaultAddress;
  const superlet = new Superlet({
    client: new RestClient({ config: options.config }),
    runtime: createRuntime(flags.runtime),
    nodeName: flags.nodeName,
    address,
    bind: address,
    port,
    rootDir: join(options.dataDir, 'superlet', flags.nodeName),
    caPem: options.config.caPem,
    labels: parseLabels(flags.nodeLabels),
    clusterDns: parseAddresses(flags.clusterDns),
    clusterDomain: flags.clusterDomain,
    logger: options.logger.child('superlet'),
  });
  await superlet.start(options.signal);
  return superlet;
}

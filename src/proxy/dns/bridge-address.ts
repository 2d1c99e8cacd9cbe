// The node's address on the Docker network its pods join (docker0's gateway on the default
// bridge, 172.17.0.1): where cluster DNS listens and what the superlet's --cluster-dns names, so
// each node's pods ask their own node, the way NodeLocal DNSCache serves on a node-local address.
import Dockerode from 'dockerode';

export async function dockerBridgeGateway(options: { docker?: Dockerode; network?: string } = {}): Promise<string> {
  const network = options.network ?? 'bridge';
  const docker = options.docker ?? new Dockerode();
  const inspected = (await docker.getNetwork(network).inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
  const gateway = inspected.IPAM?.Config?.map((c) => c.Gateway).find((g) => g !== undefined && g !== '');
  if (gateway === undefined) throw new Error(`the Docker network "${network}" has no gateway address to serve cluster DNS on`);
  return gateway;
}

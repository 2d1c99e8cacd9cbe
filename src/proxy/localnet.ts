// 127.0.0.1:nodePort. A packet the node sends from 127.0.0.1 and DNATs to a pod must be routed out
// of the bridge with a loopback source, which Linux refuses as a martian unless
// net.ipv4.conf.all.route_localnet is 1; kube-proxy sets it for the same reason, masquerades such
// traffic (the pod could not answer 127.0.0.1) and drops anything else aimed at 127.0.0.0/8 from
// outside (the FIREWALL chain). We put the previous value back when the proxy stops.
import { readFile, writeFile } from 'node:fs/promises';

const PATH = '/proc/sys/net/ipv4/conf/all/route_localnet';

export class RouteLocalnet {
  private previous: string | undefined;

  /** Turns route_localnet on; remembers what it was. */
  async enable(): Promise<void> {
    const now = (await readFile(PATH, 'utf8')).trim();
    if (now === '1') return;
    await writeFile(PATH, '1');
    this.previous = now;
  }

  /** Restores the value found by enable(), if it changed it. */
  async restore(): Promise<void> {
    if (this.previous === undefined) return;
    await writeFile(PATH, this.previous);
    this.previous = undefined;
  }
}

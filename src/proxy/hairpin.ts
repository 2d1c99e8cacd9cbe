// A pod that reaches its own Service may be sent to itself. With br_netfilter on (Docker turns it
// on) the DNAT happens while the frame is being bridged, and the bridge must then send it back out
// of the port it came in on, which it does only in hairpin mode. In Kubernetes the kubelet sets it
// on each pod's veth (--hairpin-mode=hairpin-veth); here the proxy sets it on every port of the
// pods' bridge before each rewrite (a pod's veth exists before its endpoint becomes ready), and
// clears what it set when it stops.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class HairpinMode {
  private readonly set = new Set<string>();

  constructor(private readonly bridge: string) {}

  /** Hairpin mode on for every port of the bridge; a missing bridge is not an error (no pods yet). */
  async ensure(): Promise<void> {
    const dir = `/sys/class/net/${this.bridge}/brif`;
    const ports = await readdir(dir).catch(() => [] as string[]);
    for (const port of ports) {
      const file = join(dir, port, 'hairpin_mode');
      const now = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (now !== '0') continue;
      await writeFile(file, '1').then(() => this.set.add(file), () => undefined);
    }
  }

  /** Clears hairpin mode where ensure() set it (ports gone since are skipped). */
  async restore(): Promise<void> {
    for (const file of this.set) await writeFile(file, '0').catch(() => undefined);
    this.set.clear();
  }
}

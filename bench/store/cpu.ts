// CPU accounting from /proc: what the server under test, this benchmark process (the clients) and
// everything else on the machine used during a measurement. The last matters on a shared machine:
// a figure taken while other processes held the cores says so in the details.
import { cpuSecondsOf, machineBusySeconds } from '../common/proc.js';

export { cpuSecondsOf };

export interface CpuUse {
  /** Seconds of CPU the server under test used. */
  readonly server: number;
  /** Seconds of CPU this process (the benchmark clients) used. */
  readonly client: number;
  /** Average number of cores everything else on the machine kept busy. */
  readonly otherCores: number;
}

/** Starts measuring; the returned function stops and reports. `alsoOurs` are our other processes (the idle server). */
export function meterCpu(serverPid: number, alsoOurs: readonly number[]): () => CpuUse {
  const server0 = cpuSecondsOf(serverPid);
  const ours0 = alsoOurs.map(cpuSecondsOf);
  const client0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const start = performance.now();
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const server = cpuSecondsOf(serverPid) - server0;
    const ours = alsoOurs.reduce((sum, pid, i) => sum + cpuSecondsOf(pid) - (ours0[i] ?? 0), 0);
    const used = process.cpuUsage(client0);
    const client = (used.user + used.system) / 1e6;
    const others = machineBusySeconds() - busy0 - server - client - ours;
    return { server, client, otherCores: Math.max(0, others / seconds) };
  };
}

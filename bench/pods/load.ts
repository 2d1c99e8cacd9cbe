// The machine's load around each measurement, from /proc (bench/common/proc.ts): the CPU the
// Supernetes server, dockerd and containerd used during a phase, this benchmark's own, and what
// everything else used (the containers' shims and runc are counted there: they come and go with
// each container). A quiet second before each phase measures the background alone.
// The machine is shared, so wall time moves with everyone else's work; the CPU spent on the
// measured containers themselves (containersCpuSeconds) does not, and explains the ratios.
import { readdirSync, readFileSync } from 'node:fs';
import { machineBusySeconds } from '../common/proc.js';
import { pause } from './stats.js';

const TICK = 100; // USER_HZ

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, in seconds. */
  readonly own: number;
  /** cutime + cstime: children it has waited for (runc and its hooks for a shim; iptables for dockerd). */
  readonly children: number;
}

function statOf(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // Fields after the command name (which may hold spaces) start after the last ')': state is field 3.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  return { pid, ppid: f[1] ?? 0, own: ((f[11] ?? 0) + (f[12] ?? 0)) / TICK, children: ((f[13] ?? 0) + (f[14] ?? 0)) / TICK };
}

/** A process's CPU time with that of the children it has reaped, in seconds; 0 once it is gone. */
function cpuWithChildren(pid: number): number {
  const stat = statOf(pid);
  return stat === undefined ? 0 : stat.own + stat.children;
}

function pids(): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
}

/**
 * The CPU time spent so far on the given containers outside dockerd and containerd: each one's
 * containerd shim (with the runc runs and hooks it reaped: creating the namespaces, mounts and
 * the bridge's veth happens there) and the container's own processes (runc init's setup before
 * it execs counts as theirs). Containers are matched to shims by the shim's `-id` argument.
 */
export function containersCpuSeconds(containerIds: ReadonlySet<string>): number {
  const all = pids();
  const shims = new Set<number>();
  let total = 0;
  for (const pid of all) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!comm.startsWith('containerd-shim')) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const id = args[args.indexOf('-id') + 1];
      if (id === undefined || !containerIds.has(id)) continue;
    } catch {
      continue;
    }
    shims.add(pid);
    total += cpuWithChildren(pid);
  }
  for (const pid of all) {
    const stat = statOf(pid);
    if (stat !== undefined && shims.has(stat.ppid)) total += stat.own + stat.children;
  }
  return total;
}

export interface Process {
  readonly name: string;
  readonly pid: number;
}

export interface LoadUse {
  readonly seconds: number;
  /** Cores the whole machine kept busy on average. */
  readonly machineCores: number;
  /** Cores of this benchmark process. */
  readonly benchCores: number;
  /** Cores per metered process (with the children it reaped), by name. */
  readonly processCores: ReadonlyMap<string, number>;
  /** Machine busy time minus the above. */
  readonly otherCores: number;
}

/** dockerd (from its pid file) and containerd (by its command name), where they run. */
export function dockerDaemons(): Process[] {
  const found: Process[] = [];
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) found.push({ name: 'dockerd', pid });
  } catch {
    // no pid file: dockerd runs elsewhere (a socket forwarded in), nothing to meter
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'containerd') found.push({ name: 'containerd', pid: Number(entry) });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Starts a meter (over the standing processes and `extra`); the returned function reads it. */
export type StartMeter = (extra?: readonly Process[]) => () => LoadUse;

/** Starts a meter over the given processes; the returned function reads it. */
export function meterLoad(processes: readonly Process[]): () => LoadUse {
  const start = performance.now();
  const busy0 = machineBusySeconds();
  const self0 = process.cpuUsage();
  const cpu0 = processes.map((p) => cpuWithChildren(p.pid));
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const machine = machineBusySeconds() - busy0;
    const used = process.cpuUsage(self0);
    const bench = (used.user + used.system) / 1e6;
    const processCores = new Map<string, number>();
    let metered = bench;
    processes.forEach((p, i) => {
      const cpu = Math.max(0, cpuWithChildren(p.pid) - (cpu0[i] ?? 0));
      metered += cpu;
      processCores.set(p.name, (processCores.get(p.name) ?? 0) + cpu / seconds);
    });
    return { seconds, machineCores: machine / seconds, benchCores: bench / seconds, processCores, otherCores: Math.max(0, machine - metered) / seconds };
  };
}

/** Cores busy on the machine over `ms` while this benchmark does nothing: the background load. */
export async function backgroundCores(msToSample = 1_000): Promise<number> {
  const read = meterLoad([]);
  await pause(msToSample);
  return read().machineCores;
}

/** Machine busy CPU time per item (pod or container) over the metered span, in core-milliseconds. */
export function machineCpuPer(load: LoadUse, items: number): number {
  return (load.machineCores * load.seconds * 1000) / items;
}

export function describeLoad(load: LoadUse): string {
  const parts = [`machine ${load.machineCores.toFixed(2)} cores busy`];
  for (const [name, cores] of load.processCores) parts.push(`${name} ${cores.toFixed(2)}`);
  parts.push(`bench ${load.benchCores.toFixed(2)}`, `other ${load.otherCores.toFixed(2)}`);
  return parts.join(', ');
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

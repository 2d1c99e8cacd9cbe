// CPU seconds per process over a phase, from /proc/PID/stat (utime + stime), with the machine's
// busy time, so every phase says what each of our processes used and how busy everything else was.
import { cpuSecondsOf, machineBusySeconds } from '../common/proc.js';

export interface Metered {
  /** Several processes may share a name (the superlets); their CPU is summed. */
  readonly name: string;
  readonly pid: number;
}

export interface PhaseCpu {
  readonly seconds: number;
  /** CPU seconds per name over the phase. */
  readonly byName: ReadonlyMap<string, number>;
  /** Cores the whole machine kept busy on average. */
  readonly machineCores: number;
  /** Cores kept busy by processes other than the metered ones and this benchmark. */
  readonly otherCores: number;
  /** CPU seconds of this benchmark process (its watches and requests). */
  readonly bench: number;
}

function cpuOrZero(pid: number): number {
  try {
    return cpuSecondsOf(pid);
  } catch {
    return 0; // gone
  }
}

/** Starts a meter; the returned function reads it (and may be called more than once). */
export function meterCpu(processes: readonly Metered[]): () => PhaseCpu {
  const start = performance.now();
  const busy0 = machineBusySeconds();
  const self0 = process.cpuUsage();
  const before = processes.map((p) => cpuOrZero(p.pid));
  return () => {
    const seconds = (performance.now() - start) / 1000;
    const machine = machineBusySeconds() - busy0;
    const used = process.cpuUsage(self0);
    const bench = (used.user + used.system) / 1e6;
    const byName = new Map<string, number>();
    let metered = bench;
    processes.forEach((p, i) => {
      const cpu = Math.max(0, cpuOrZero(p.pid) - (before[i] ?? 0));
      metered += cpu;
      byName.set(p.name, (byName.get(p.name) ?? 0) + cpu);
    });
    return { seconds, byName, machineCores: machine / seconds, otherCores: Math.max(0, machine - metered) / seconds, bench };
  };
}

export function describeCpu(cpu: PhaseCpu): string {
  const parts = [...cpu.byName].map(([name, s]) => `${name} ${(s * 1000).toFixed(0)} ms`);
  parts.push(`bench ${(cpu.bench * 1000).toFixed(0)} ms`);
  return `CPU over ${cpu.seconds.toFixed(1)} s: ${parts.join(', ')}; machine ${cpu.machineCores.toFixed(2)} cores busy, other processes ${cpu.otherCores.toFixed(2)}`;
}

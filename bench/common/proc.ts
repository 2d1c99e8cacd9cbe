// Reading a process's memory and CPU, and the machine's busy time, from /proc: shared by the
// benchmarks so every row is measured the same way.
import { readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: clock ticks per second on Linux

export interface Memory {
  /** VmRSS: resident now. */
  readonly rss: number;
  /** VmHWM: the peak resident size. */
  readonly peak: number;
  /** RssAnon: heap, stacks, malloc arenas. */
  readonly anon: number;
  /** RssFile: resident pages of mapped files (the executable, libraries, mmapped databases). */
  readonly file: number;
  /** RssShmem: shared memory (SQLite's WAL index is a mmapped -shm file and counts here or in file). */
  readonly shmem: number;
}

/** Memory of a process in bytes, from /proc/PID/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), peak: field('VmHWM'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/** Busy CPU time of the whole machine so far (every core; not idle, not iowait), in seconds. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICK;
}

// What a fake container does, decided by a test's script or, by default, by FAKE_* variables in
// the container's env, so a user of `--runtime fake` can script a pod from its YAML:
//
//   FAKE_EXIT_CODE=3          exit with this code (at once, unless FAKE_EXIT_AFTER_MS is set)
//   FAKE_EXIT_AFTER_MS=5000   exit this long after starting (with FAKE_EXIT_CODE, default 0)
//   FAKE_OOM_KILLED=true      the exit is an OOM kill (reason OOMKilled, exit code 137 by default)
//   FAKE_LOGS=text            what the container prints (newlines split lines)
//   FAKE_EXEC_EXIT_CODE=1     the exit code of every exec in the container (exec probes)
//
// Without any of them the container runs until stopped and prints one line.
import type { ContainerConfig, PodRef } from '../runtime.js';

export interface FakeBehaviour {
  /** Exit this many ms after starting; absent = run until stopped (unless exitCode is set: then 0). */
  exitAfterMs?: number;
  exitCode?: number;
  oomKilled?: boolean;
  /** The container's output; default one line naming it. */
  logs?: string;
}

export interface FakeExecResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export type FakeScript = (pod: PodRef, config: ContainerConfig) => FakeBehaviour | undefined;

export type FakeExecScript = (
  target: { pod: PodRef; config: ContainerConfig; containerId: string },
  command: string[],
) => FakeExecResult | undefined;

export const FAKE_ENV = {
  exitCode: 'FAKE_EXIT_CODE',
  exitAfterMs: 'FAKE_EXIT_AFTER_MS',
  oomKilled: 'FAKE_OOM_KILLED',
  logs: 'FAKE_LOGS',
  execExitCode: 'FAKE_EXEC_EXIT_CODE',
} as const;

function envValue(config: ContainerConfig, name: string): string | undefined {
  // The last definition wins, as in a process environment.
  let value: string | undefined;
  for (const entry of config.env) if (entry.name === name) value = entry.value;
  return value;
}

function envInt(config: ContainerConfig, name: string): number | undefined {
  const value = envValue(config, name);
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : undefined;
}

/** The default script: FAKE_* variables in the container's env. */
export const envScript: FakeScript = (_pod, config) => {
  const exitCode = envInt(config, FAKE_ENV.exitCode);
  const exitAfterMs = envInt(config, FAKE_ENV.exitAfterMs);
  const oomKilled = envValue(config, FAKE_ENV.oomKilled) === 'true';
  const logs = envValue(config, FAKE_ENV.logs);
  const behaviour: FakeBehaviour = {};
  if (exitCode !== undefined) behaviour.exitCode = exitCode;
  if (exitAfterMs !== undefined) behaviour.exitAfterMs = Math.max(0, exitAfterMs);
  if (oomKilled) behaviour.oomKilled = true;
  if (logs !== undefined) behaviour.logs = logs;
  return behaviour;
};

/** The default exec script: FAKE_EXEC_EXIT_CODE, else success with no output. */
export const envExecScript: FakeExecScript = ({ config }) => ({ exitCode: envInt(config, FAKE_ENV.execExitCode) ?? 0 });

/** When (ms after start) and how the container exits; undefined = runs until stopped. */
export function plannedExit(behaviour: FakeBehaviour): { afterMs: number; exitCode: number; oomKilled: boolean } | undefined {
  const oomKilled = behaviour.oomKilled === true;
  if (behaviour.exitAfterMs === undefined && behaviour.exitCode === undefined && !oomKilled) return undefined;
  return {
    afterMs: behaviour.exitAfterMs ?? 0,
    exitCode: behaviour.exitCode ?? (oomKilled ? 137 : 0),
    oomKilled,
  };
}

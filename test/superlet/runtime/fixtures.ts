// Pods, container configs and stream helpers shared by the runtime tests.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ContainerConfig, PodRef, Runtime, RuntimeEvent, SandboxConfig } from '../../../src/superlet/runtime/runtime.js';
import { withTimeout } from '../../support/wait.js';

/**
 * How long a runtime step may take before a test fails. Generous: the daemon is shared with other
 * suites and benchmarks on two cores, where a container start can take seconds.
 */
export const SLOW_MS = 60_000;
/** Per-test timeout for suites that start several containers per test. */
export const SLOW_TEST = { timeout: 240_000 };

export function podRef(nodeName: string, name = 'pod'): PodRef {
  return { uid: randomUUID(), name, namespace: 'default', nodeName };
}

export function sandboxConfig(pod: PodRef, overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return { pod, hostname: pod.name, portMappings: [], ...overrides };
}

export function containerConfig(image: string, overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name: 'app',
    attempt: 0,
    image,
    env: [],
    mounts: [],
    resources: { memoryLimitBytes: 0, cpuLimitMillis: 0, cpuRequestMillis: 0 },
    security: {},
    tty: false,
    stdin: false,
    stdinOnce: false,
    ...overrides,
  };
}

/**
 * A container that prints `lines` and exits with `exitCode`, on both runtimes: Docker runs the
 * shell command, the fake runtime reads the FAKE_* variables.
 */
export function exitingConfig(image: string, exitCode: number, lines: string[] = [], overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  const echo = lines.map((line) => `echo ${line}; `).join('');
  return containerConfig(image, {
    command: ['sh', '-c', `${echo}exit ${exitCode}`],
    env: [
      { name: 'FAKE_EXIT_CODE', value: String(exitCode) },
      ...(lines.length > 0 ? [{ name: 'FAKE_LOGS', value: lines.join('\n') }] : []),
    ],
    ...overrides,
  });
}

/** A container that prints `lines` and then runs until stopped (sleep ignores SIGTERM as pid 1). */
export function runningConfig(image: string, lines: string[] = [], overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  const echo = lines.map((line) => `echo ${line}; `).join('');
  return containerConfig(image, {
    command: ['sh', '-c', `${echo}exec sleep 3600`],
    env: lines.length > 0 ? [{ name: 'FAKE_LOGS', value: lines.join('\n') }] : [],
    ...overrides,
  });
}

/** Reads a stream to its end (or fails after `ms`). */
export async function readAll(stream: Readable, ms = 15_000): Promise<string> {
  const read = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  };
  return withTimeout(read(), ms, 'the stream to end');
}

/** Collects a stream's text as it arrives; `text()` is what came so far. */
export function collect(stream: Readable | undefined): { text: () => string; ended: Promise<void> } {
  let text = '';
  stream?.on('data', (chunk: Buffer | string) => (text += chunk.toString()));
  const ended = new Promise<void>((resolve) => {
    if (stream === undefined) return resolve();
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  return { text: () => text, ended };
}

/** Subscribes at once (so nothing is missed) and collects a node's events until stopped. */
export function recordEvents(runtime: Runtime, nodeName: string): { events: RuntimeEvent[]; stop: () => Promise<void> } {
  const abort = new AbortController();
  const events: RuntimeEvent[] = [];
  const iterator = runtime.events(nodeName, abort.signal)[Symbol.asyncIterator]();
  const loop = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      events.push(next.value);
    }
  })();
  return {
    events,
    stop: async () => {
      abort.abort();
      await withTimeout(loop, SLOW_MS, 'the event stream to end after abort');
    },
  };
}

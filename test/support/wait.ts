// Awaiting conditions with a deadline instead of sleeping a fixed time: a test waits exactly as
// long as the condition needs, and a condition that never holds fails with a message that says what.

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${what}`);
    this.name = 'TimeoutError';
  }
}

/** `promise`, or a TimeoutError after `ms`. The promise itself is left running. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitForOptions {
  readonly what: string;
  readonly timeoutMs?: number;
  /** Pause between probes (default 25 ms). */
  readonly intervalMs?: number;
}

/**
 * Probes until `probe` returns something other than undefined or false, and returns it. For
 * conditions nothing announces (a lease's remaining TTL); prefer awaiting an event where one exists.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (result !== undefined && result !== false) return result;
    if (Date.now() >= deadline) throw new TimeoutError(options.what, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

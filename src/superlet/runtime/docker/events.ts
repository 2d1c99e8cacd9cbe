// The daemon's event stream narrowed to one node's containers, as RuntimeEvents. A dropped
// connection (daemon restart) reconnects from the last event's time: events only make the superlet
// resync a pod sooner, so a duplicate after reconnecting is harmless and a gap is not.
import type Dockerode from 'dockerode';
import type { RuntimeEvent } from '../runtime.js';
import { LABEL } from './labels.js';
import { jsonLines } from './json-lines.js';

const ACTIONS: Record<string, RuntimeEvent['type']> = {
  start: 'started',
  die: 'died',
  oom: 'oom',
  destroy: 'removed',
};

const RECONNECT_DELAY_MS = 1000;

function toRuntimeEvent(item: unknown): { event?: RuntimeEvent; time?: number } {
  if (typeof item !== 'object' || item === null) return {};
  const raw = item as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> }; timeNano?: unknown };
  const time = typeof raw.timeNano === 'number' ? raw.timeNano / 1e9 : undefined;
  const type = typeof raw.Action === 'string' ? ACTIONS[raw.Action] : undefined;
  const podUid = raw.Actor?.Attributes?.[LABEL.podUid];
  const containerId = raw.Actor?.ID;
  if (raw.Type !== 'container' || type === undefined || typeof podUid !== 'string' || typeof containerId !== 'string') {
    return { ...(time === undefined ? {} : { time }) };
  }
  return { event: { podUid, containerId, type }, ...(time === undefined ? {} : { time }) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `since` (Unix seconds, fractional) should be when the caller subscribed: the daemon replays
 * what happened between then and the moment the connection is up, so nothing falls in between.
 */
export async function* dockerEvents(docker: Dockerode, nodeName: string, signal: AbortSignal, since: number): AsyncGenerator<RuntimeEvent> {
  while (!signal.aborted) {
    try {
      const stream = await docker.getEvents({
        since,
        filters: { type: ['container'], label: [`${LABEL.node}=${nodeName}`], event: Object.keys(ACTIONS) },
        abortSignal: signal,
      });
      for await (const item of jsonLines(stream)) {
        const { event, time } = toRuntimeEvent(item);
        if (time !== undefined) since = time;
        if (event !== undefined) yield event;
      }
    } catch {
      // Aborted, or the daemon went away: reconnect below unless aborted.
    }
    if (signal.aborted) return;
    // Everything up to the drop arrived; a second of overlap covers clock granularity.
    since = Math.max(since, Date.now() / 1000 - 1);
    await sleep(RECONNECT_DELAY_MS, signal);
  }
}

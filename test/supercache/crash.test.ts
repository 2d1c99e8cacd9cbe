// Crash test: `supernetes cache` runs as a child process while many etcd3 clients write to it, and is
// killed with SIGKILL at a random moment, several times, on the same data dir. After each restart:
// every acknowledged write is in the history at the revision it was acknowledged with, and the
// current state is what that history leads to; revisions run 1..head with no gap or duplicate;
// and watchers that resume from the revision after the last event they saw miss nothing.
// Needs dist/ (`npm run build`; `npm test` builds first).
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { assertBuilt, startCache, type CacheProcess } from '../support/cache-process.js';
import { ackProblems, PrefixWatch, replay, revisionProblems, stateProblems, toStoredKeys, watchDifference } from './crash-history.js';
import { connect, PREFIX, runLoad, type Ack } from './crash-workload.js';

const KILLS = 5;
const CLIENTS = 32;
/** The kill comes at a random moment up to this long after the load is in full swing ... */
const MAX_KILL_DELAY_MS = 1_000;
/** ... which is when this many writes of the cycle have been acknowledged. */
const ACKS_BEFORE_KILL_WINDOW = 100;
const WAIT_MS = 20_000;

/** Rejects with `what` if `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (after ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('SuperCache killed with SIGKILL under load', () => {
  let dataDir = '';
  let keepDataDir = false;
  let server: CacheProcess | undefined;
  // The whole keyspace, and a narrower prefix to check that filtered watches resume as well.
  const watches = [new PrefixWatch(PREFIX), new PrefixWatch(`${PREFIX}w1`)];
  const acks: Ack[] = [];

  beforeAll(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'supercache-crash-'));
  });

  afterAll(async () => {
    for (const watch of watches) watch.detach();
    await server?.stop();
    if (dataDir !== '' && !keepDataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Checks the store a restarted server holds against everything acknowledged and watched so far. */
  async function verify(endpoint: string, cycle: number): Promise<void> {
    // Resume the watches, as clients reconnecting after the crash would, then write one sentinel
    // per watch: once a watch has seen its sentinel it has been sent everything committed before it.
    const client = connect(endpoint);
    try {
      // Fail fast and say why when the store lost its tail: a watch resumed past the head would
      // otherwise just wait for revisions that are not coming.
      const restartedAt = Number((await client.get(`${PREFIX}~head`).exec()).header.revision);
      const acked = acks.reduce((max, ack) => Math.max(max, ack.revision), 0);
      expect(acked, `cycle ${cycle}: newest acknowledged revision vs the restarted head`).toBeLessThanOrEqual(restartedAt);
      for (const watch of watches) {
        expect(watch.lastRevision, `cycle ${cycle}: revision watched on ${watch.prefix} before the kill vs the restarted head`).toBeLessThanOrEqual(restartedAt);
      }
      for (const watch of watches) await watch.attach(endpoint);
      let head = 0;
      for (const watch of watches) {
        const key = `${watch.prefix}~sentinel/${cycle}`;
        const value = `sentinel ${cycle}`;
        const response = await client.put(key).value(value).exec();
        head = Number(response.header.revision);
        acks.push({ revision: head, ops: [{ type: 'put', key, value }], what: `sentinel ${key}` });
      }
      for (const watch of watches) await watch.waitForKey(`${watch.prefix}~sentinel/${cycle}`, WAIT_MS);

      const full = new PrefixWatch(PREFIX);
      await full.attach(endpoint, 1);
      await full.waitForKey(`${PREFIX}~sentinel/${cycle}`, WAIT_MS);
      full.detach();
      const history = full.events;

      const range = await client.getAll().prefix(PREFIX).exec();
      expect(Number(range.header.revision), `cycle ${cycle}: the head after the sentinels`).toBe(head);
      expect(revisionProblems(history, head), `cycle ${cycle}: revisions`).toEqual([]);
      expect(ackProblems(history, acks), `cycle ${cycle}: acknowledged writes`).toEqual([]);
      expect(stateProblems(toStoredKeys(range.kvs), replay(history)), `cycle ${cycle}: state at the head`).toEqual([]);
      for (const watch of watches) {
        expect(watchDifference(watch.events, history, watch.prefix), `cycle ${cycle}: resumed watch`).toBeUndefined();
      }
    } finally {
      client.close();
    }
  }

  /** Writes from many clients, kills the server at a random moment, and waits for the writers to stop. */
  async function loadAndKill(running: CacheProcess, cycle: number): Promise<void> {
    let killed = false;
    let inFullSwing: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      inFullSwing = resolve;
    });
    const ackedBefore = acks.length;
    const load = runLoad({
      endpoint: running.endpoint,
      clients: CLIENTS,
      cycle,
      killed: () => killed,
      onAck: (ack) => {
        acks.push(ack);
        if (acks.length - ackedBefore >= ACKS_BEFORE_KILL_WINDOW) inFullSwing();
      },
    });
    await within(
      Promise.race([started, load.then((r) => Promise.reject(new Error(`writers gave up: ${r.anomalies.join('; ')}`)))]),
      WAIT_MS,
      `cycle ${cycle}: fewer than ${ACKS_BEFORE_KILL_WINDOW} writes acknowledged`,
    );
    await new Promise((resolve) => setTimeout(resolve, randomInt(MAX_KILL_DELAY_MS)));
    killed = true;
    const status = await running.kill('SIGKILL');
    // The server must still have been running: a crash of its own would also end in an exit.
    expect(status, `cycle ${cycle}: how the server ended\n${running.output()}`).toEqual({ code: null, signal: 'SIGKILL' });
    for (const watch of watches) watch.detach();
    const { anomalies } = await within(load, WAIT_MS, `cycle ${cycle}: writers still running after the kill`);
    expect(anomalies, `cycle ${cycle}: errors from the live server`).toEqual([]);
    expect(acks.length, `cycle ${cycle}: acknowledged writes`).toBeGreaterThan(ackedBefore);
  }

  it(`keeps every acknowledged write and a gap-free, resumable history across ${KILLS} kills`, async () => {
    // The SQLite file a failure leaves is the best evidence of what went wrong; keep it.
    onTestFailed(() => {
      keepDataDir = true;
      console.error(`crash test: the store is kept in ${dataDir}`);
    });
    for (let cycle = 0; cycle <= KILLS; cycle++) {
      server = await startCache({ dataDir, args: ['--retention', '1h'] });
      await verify(server.endpoint, cycle);
      if (cycle < KILLS) await loadAndKill(server, cycle);
    }
    // The last restart found every write of every cycle.
    expect(acks.length).toBeGreaterThan(KILLS * CLIENTS);
  });
});

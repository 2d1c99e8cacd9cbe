// Shared plumbing of the conformance suite: the backend under test, and a per-test scope with its
// own random key prefix, so tests never see each other's keys, and with cleanup of what the test
// left running (watches, leases) once it finishes.
import { randomBytes, randomInt } from 'node:crypto';
import { expect, onTestFinished } from 'vitest';
import type {
  Backend,
  KeyRange,
  KeyValue,
  LeaseGrant,
  LeaseId,
  PutOptions,
  PutResult,
  WatchEvent,
  WatchOptions,
} from '../../../src/supercache/backend.js';
import { isStoreError, type StoreError, type StoreErrorCode } from '../../../src/supercache/errors.js';
import { prefixRange } from '../../../src/supercache/key-range.js';
import { AsyncReader } from '../../support/async-reader.js';

export interface OpenedBackend {
  readonly backend: Backend;
  close(): Promise<void>;
}

export interface OpenBackendOptions {
  /** Unread events a watcher may hold before it fails with WatchOverflowError. */
  readonly watchBacklogLimit?: number;
}

/** Opens a fresh backend; called once per describe block (twice for the whole suite). */
export type OpenBackend = (options?: OpenBackendOptions) => Promise<OpenedBackend>;

// A key no test writes: reading it costs little and tells the store's current revision.
const HEAD_PROBE_KEY = '/conformance-head-probe';

export const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A KeyValue with the value as text, for readable toEqual diffs. */
export interface PlainKv {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly lease: LeaseId;
}

export function plain(kv: KeyValue | undefined): PlainKv | undefined {
  if (kv === undefined) return undefined;
  const { key, value, createRevision, modRevision, version, lease } = kv;
  return { key, value: value.toString('utf8'), createRevision, modRevision, version, lease };
}

/**
 * Asserts that `call` rejects with a StoreError of `code`, and returns that error. A method that
 * throws synchronously instead of rejecting its promise fails the assertion: callers that chain
 * `.catch()` onto it would crash.
 */
export async function expectStoreError(call: () => Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return expect.fail(`expected a promise rejected with StoreError(${code}), but the call threw synchronously: ${describeError(error)}`);
  }
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await promise };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) return expect.fail(`expected StoreError(${code}), but it succeeded with ${JSON.stringify(outcome.value)}`);
  const { error } = outcome;
  if (!isStoreError(error, code)) return expect.fail(`expected StoreError(${code}), got ${describeError(error)}`);
  return error;
}

const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** A random lease id no other test uses (etcd ids are int64; stay well inside a double). */
export const randomLeaseId = (): LeaseId => String(randomInt(1, 2 ** 47));

export class ConformanceFixture {
  private opened: OpenedBackend | undefined;

  constructor(
    private readonly open: OpenBackend,
    private readonly openOptions?: OpenBackendOptions,
  ) {}

  async setUp(): Promise<void> {
    this.opened = await this.open(this.openOptions);
  }

  async tearDown(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    await opened?.close();
  }

  get backend(): Backend {
    if (this.opened === undefined) throw new Error('the backend is not open (beforeAll failed?)');
    return this.opened.backend;
  }

  /** A scope for one test: call it inside the test. */
  scope(): TestScope {
    return new TestScope(this.backend);
  }
}

export class TestScope {
  /** Ends in '/', unique to this test. */
  readonly prefix = `/conformance/${randomBytes(6).toString('hex')}/`;

  constructor(readonly backend: Backend) {}

  key(name: string): string {
    return this.prefix + name;
  }

  /** The name of a key of this scope (its key without the prefix), for short assertions. */
  name(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }

  range(): Required<KeyRange> {
    return prefixRange(this.prefix);
  }

  put(name: string, value: string, options?: PutOptions): Promise<PutResult> {
    return this.backend.put(this.key(name), bytes(value), options);
  }

  async get(name: string, revision?: number): Promise<KeyValue | undefined> {
    const result = await this.backend.range({ key: this.key(name), ...(revision === undefined ? {} : { revision }) });
    expect(result.kvs.length).toBeLessThanOrEqual(1);
    return result.kvs[0];
  }

  /** `name=value` of every key in the scope, in key order. */
  async contents(revision?: number): Promise<string[]> {
    const result = await this.backend.range({ ...this.range(), ...(revision === undefined ? {} : { revision }) });
    return result.kvs.map((kv) => `${this.name(kv.key)}=${kv.value.toString('utf8')}`);
  }

  /** The store's current revision. */
  async head(): Promise<number> {
    return (await this.backend.range({ key: HEAD_PROBE_KEY })).revision;
  }

  /** A watch that is aborted when the test finishes. */
  watch(options: Omit<WatchOptions, 'signal'>): AsyncReader<WatchEvent> {
    const controller = new AbortController();
    onTestFinished(() => controller.abort());
    return new AsyncReader(this.backend.watch({ ...options, signal: controller.signal }), (event) => this.describe(event));
  }

  /** A lease that is revoked when the test finishes (if it still exists). */
  async lease(ttlSeconds: number, id?: LeaseId): Promise<LeaseGrant> {
    const grant = await this.backend.leaseGrant(ttlSeconds, id);
    onTestFinished(async () => {
      await this.backend.leaseRevoke(grant.id).catch(() => undefined);
    });
    return grant;
  }

  /** `put name=value@modRevision`, `delete name@modRevision` or `progress@revision`. */
  describe(event: WatchEvent): string {
    if (event.type === 'progress') return `progress@${event.revision}`;
    const value = event.type === 'put' ? `=${event.kv.value.toString('utf8')}` : '';
    return `${event.type} ${this.name(event.kv.key)}${value}@${event.kv.modRevision}`;
  }

  async events(reader: AsyncReader<WatchEvent>, count: number, timeoutMs?: number): Promise<string[]> {
    return (await reader.take(count, timeoutMs)).map((event) => this.describe(event));
  }
}

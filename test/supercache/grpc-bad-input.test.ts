// Bad input through the etcd v3 gRPC server: malformed protobuf, oversized requests, empty and
// non-UTF-8 keys, missing leases, future revisions. Each gets the status code and message etcd 3.4
// gives (checked against /usr/bin/etcd), never a crash, and writes nothing; the server keeps
// serving and the revision moves only for the valid writes. Sent with the `etcd3` client and with
// a raw @grpc/grpc-js client that can send bytes no client library would.
import * as grpc from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES } from '../../src/supercache/backend.js';
import { EtcdServer } from '../../src/supercache/grpc/etcd-server.js';
import { loadEtcdServices, type EtcdServices } from '../../src/supercache/grpc/proto.js';
import { SqliteEngine } from '../../src/supercache/sqlite/sqlite-engine.js';

type Message = Record<string, unknown>;

interface Outcome {
  readonly code: grpc.status;
  readonly details: string;
  readonly response?: Message;
}

const { INTERNAL, INVALID_ARGUMENT, NOT_FOUND, OK, OUT_OF_RANGE, RESOURCE_EXHAUSTED } = grpc.status;
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const NOT_UTF8 = Buffer.from([0x2f, 0xff, 0xfe]);
// A lease id nobody granted (the store grants random 63-bit ids; this one has 40 bits).
const NO_SUCH_LEASE = '1099511627775';

/** A gRPC client for etcd's services that sends any message, or any bytes, to any method. */
class RawClient {
  private readonly client: grpc.Client;
  private readonly services: EtcdServices = loadEtcdServices();

  constructor(endpoint: string) {
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
  }

  call(service: keyof EtcdServices, method: string, request: Message | Buffer): Promise<Outcome> {
    const definition = this.services[service][method];
    if (definition === undefined) throw new Error(`etcd's ${service} service has no method ${method}`);
    const encode = definition.requestSerialize as (value: Message) => Buffer;
    // Bytes go out as they are: that is how the garbage no client library would send gets sent.
    const serialize = (value: Message | Buffer): Buffer => (Buffer.isBuffer(value) ? value : encode(value));
    const deserialize = definition.responseDeserialize as (raw: Buffer) => Message;
    return new Promise((resolve) => {
      const done = (error: grpc.ServiceError | null, response?: Message): void => {
        if (error) resolve({ code: error.code, details: error.details });
        else resolve({ code: OK, details: '', ...(response === undefined ? {} : { response }) });
      };
      this.client.makeUnaryRequest<Message | Buffer, Message>(definition.path, serialize, deserialize, request, done);
    });
  }

  /** Writes `raw` on a new stream of a streaming method and resolves with how the stream ended. */
  stream(path: string, raw: Buffer): Promise<Outcome> {
    return new Promise((resolve) => {
      const call = this.client.makeBidiStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b);
      call.on('data', () => {});
      call.on('error', (error: grpc.ServiceError) => resolve({ code: error.code, details: error.details }));
      call.on('end', () => resolve({ code: OK, details: 'ended' }));
      call.write(raw);
    });
  }

  close(): void {
    this.client.close();
  }
}

describe('the etcd v3 gRPC server given bad input', () => {
  let dataDir = '';
  let engine: SqliteEngine;
  let server: EtcdServer;
  let raw: RawClient;
  let etcd: Etcd3;
  let startRevision = 0;
  let validWrites = 0;

  const head = async (): Promise<number> => {
    const outcome = await raw.call('KV', 'Range', { key: bytes('/head') });
    expect(outcome.code, outcome.details).toBe(OK);
    return Number((outcome.response?.['header'] as { revision: string }).revision);
  };
  const exists = async (key: string): Promise<boolean> => (await etcd.get(key).exec()).kvs.length > 0;
  const failure = (code: grpc.status, details: string | RegExp): object => {
    const matcher: unknown = typeof details === 'string' ? details : expect.stringMatching(details);
    return { code, details: matcher };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'supercache-bad-input-'));
    engine = new SqliteEngine({ dataDir, compactionIntervalMs: 0 });
    await engine.start();
    server = new EtcdServer({ backend: engine, listen: '127.0.0.1:0' });
    await server.start();
    raw = new RawClient(`127.0.0.1:${server.port}`);
    etcd = new Etcd3({ hosts: `http://127.0.0.1:${server.port}` });
    startRevision = await head();
  });

  afterAll(async () => {
    etcd?.close();
    raw?.close();
    await server?.stop();
    await engine?.close();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it('answers malformed protobuf with INTERNAL, as etcd does, and keeps serving', async () => {
    const before = await head();
    // Invalid for any message type: every tag names field 15, which no request here has, so no
    // lenient decoder can read them as something valid.
    const garbage = {
      'truncated bytes field': Buffer.from([0x7a, 0x10, 0x61]),
      'unterminated varint': Buffer.from([0x78, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      'wire type 6': Buffer.from([0x7e, 0x01]),
      'wire type 7': Buffer.from([0x7f, 0x01]),
      'unclosed group': Buffer.from([0x7b, 0x08, 0x01]),
    };
    const methods: [keyof EtcdServices, string][] = [
      ['KV', 'Put'], ['KV', 'Range'], ['KV', 'Txn'], ['KV', 'DeleteRange'], ['KV', 'Compact'],
      ['Lease', 'LeaseGrant'], ['Lease', 'LeaseRevoke'],
    ];
    for (const [what, message] of Object.entries(garbage)) {
      for (const [service, method] of methods) {
        const outcome = await raw.call(service, method, message);
        expect(outcome.code, `${what} to ${service}/${method}: ${outcome.details}`).toBe(INTERNAL);
      }
    }
    for (const path of ['/etcdserverpb.Watch/Watch', '/etcdserverpb.Lease/LeaseKeepAlive']) {
      expect((await raw.stream(path, garbage['truncated bytes field'])).code, path).toBe(INTERNAL);
    }
    expect(await head()).toBe(before);
    await etcd.put('/after-garbage').value('ok');
    validWrites++;
    expect(await etcd.get('/after-garbage').string()).toBe('ok');
  });

  it('refuses a value over 1.5 MiB with INVALID_ARGUMENT and writes nothing', async () => {
    const before = await head();
    const value = Buffer.alloc(MAX_VALUE_BYTES + 1, 0x61);
    expect(await raw.call('KV', 'Put', { key: bytes('/big'), value })).toEqual(
      failure(INVALID_ARGUMENT, 'etcdserver: request is too large'),
    );
    await expect(etcd.put('/big').value(value).exec()).rejects.toThrow(/etcdserver: request is too large/);
    // etcd sizes the whole request, so two puts that fit alone are too large together.
    const half = Buffer.alloc(800 * 1024, 0x62);
    const txn = {
      compare: [],
      success: [{ request_put: { key: bytes('/big/1'), value: half } }, { request_put: { key: bytes('/big/2'), value: half } }],
      failure: [],
    };
    expect(await raw.call('KV', 'Txn', txn)).toEqual(failure(INVALID_ARGUMENT, 'etcdserver: request is too large'));
    expect(await head()).toBe(before);
    expect([await exists('/big'), await exists('/big/1'), await exists('/big/2')]).toEqual([false, false, false]);
  });

  it('refuses a message over the gRPC limit with RESOURCE_EXHAUSTED, and the connection still works', async () => {
    const before = await head();
    const outcome = await raw.call('KV', 'Put', { key: bytes('/huge'), value: Buffer.alloc(2.5 * 1024 * 1024) });
    expect(outcome).toEqual(failure(RESOURCE_EXHAUSTED, /larger than max/));
    expect(await head()).toBe(before);
    expect(await exists('/huge')).toBe(false);
  });

  it('refuses an empty key with INVALID_ARGUMENT', async () => {
    const before = await head();
    const empty = failure(INVALID_ARGUMENT, 'etcdserver: key is not provided');
    expect(await raw.call('KV', 'Put', { key: Buffer.alloc(0), value: bytes('x') })).toEqual(empty);
    expect(await raw.call('KV', 'Range', { key: Buffer.alloc(0) })).toEqual(empty);
    expect(await raw.call('KV', 'DeleteRange', { key: Buffer.alloc(0), range_end: Buffer.from([0]) })).toEqual(empty);
    const compare = [{ key: Buffer.alloc(0), target: 'Version', result: 'Equal', version: 0 }];
    expect(await raw.call('KV', 'Txn', { compare, success: [], failure: [] })).toEqual(empty);
    const put = [{ request_put: { key: Buffer.alloc(0), value: bytes('x') } }];
    expect(await raw.call('KV', 'Txn', { compare: [], success: put, failure: [] })).toEqual(empty);
    await expect(etcd.put('').value('x').exec()).rejects.toThrow(/etcdserver: key is not provided/);
    expect(await head()).toBe(before);
  });

  it('refuses a put with a lease that does not exist with NOT_FOUND, even inside a txn, and writes nothing', async () => {
    const before = await head();
    const notFound = failure(NOT_FOUND, 'etcdserver: requested lease not found');
    expect(await raw.call('KV', 'Put', { key: bytes('/leased'), value: bytes('x'), lease: NO_SUCH_LEASE })).toEqual(notFound);
    await expect(etcd.put('/leased').value('x').lease(NO_SUCH_LEASE).exec()).rejects.toThrow(/requested lease not found/);
    // The first put of the txn is valid; the txn is all or nothing, so it must not happen either.
    const success = [
      { request_put: { key: bytes('/leased/a'), value: bytes('a') } },
      { request_put: { key: bytes('/leased/b'), value: bytes('b'), lease: NO_SUCH_LEASE } },
    ];
    expect(await raw.call('KV', 'Txn', { compare: [], success, failure: [] })).toEqual(notFound);
    expect(await head()).toBe(before);
    expect([await exists('/leased'), await exists('/leased/a'), await exists('/leased/b')]).toEqual([false, false, false]);
  });

  it('evaluates compares on a missing key as etcd does: a value compare fails, the others compare with 0', async () => {
    const before = await head();
    const cases: [Message, boolean][] = [
      [{ target: 'Value', result: 'Equal', value: Buffer.alloc(0) }, false],
      [{ target: 'Value', result: 'NotEqual', value: bytes('x') }, false],
      [{ target: 'Value', result: 'Less', value: bytes('x') }, false],
      [{ target: 'Version', result: 'Equal', version: 0 }, true],
      [{ target: 'Version', result: 'Greater', version: 0 }, false],
      [{ target: 'Create', result: 'Equal', create_revision: 0 }, true],
      [{ target: 'Mod', result: 'Less', mod_revision: 5 }, true],
      [{ target: 'Lease', result: 'Equal', lease: 0 }, true],
    ];
    for (const [compare, expected] of cases) {
      const request = { compare: [{ key: bytes('/missing'), ...compare }], success: [], failure: [] };
      const outcome = await raw.call('KV', 'Txn', request);
      expect({ code: outcome.code, succeeded: outcome.response?.['succeeded'] }, JSON.stringify(compare)).toEqual({ code: OK, succeeded: expected });
    }
    expect(await head()).toBe(before);
    // The create-if-absent idiom: writes once, then its compare fails and it writes nothing.
    const create = (): Promise<{ succeeded: boolean }> =>
      etcd.if('/created', 'Version', '==', 0).then(etcd.put('/created').value('1')).commit();
    expect((await create()).succeeded).toBe(true);
    validWrites++;
    expect((await create()).succeeded).toBe(false);
    expect(await head()).toBe(before + 1);
  });

  it('refuses keys that are not valid UTF-8 with INVALID_ARGUMENT', async () => {
    const before = await head();
    const refused = failure(INVALID_ARGUMENT, /UTF-8/);
    expect(await raw.call('KV', 'Put', { key: NOT_UTF8, value: bytes('x') })).toEqual(refused);
    expect(await raw.call('KV', 'Range', { key: NOT_UTF8 })).toEqual(refused);
    expect(await raw.call('KV', 'DeleteRange', { key: NOT_UTF8 })).toEqual(refused);
    const put = [{ request_put: { key: NOT_UTF8, value: bytes('x') } }];
    expect(await raw.call('KV', 'Txn', { compare: [], success: put, failure: [] })).toEqual(refused);
    await expect(etcd.put(NOT_UTF8).value('x').exec()).rejects.toThrow(/UTF-8/);
    expect(await head()).toBe(before);
  });

  it('refuses revoking an unknown lease with NOT_FOUND', async () => {
    const before = await head();
    expect(await raw.call('Lease', 'LeaseRevoke', { ID: NO_SUCH_LEASE })).toEqual(
      failure(NOT_FOUND, 'etcdserver: requested lease not found'),
    );
    await expect(etcd.leaseClient.leaseRevoke({ ID: NO_SUCH_LEASE })).rejects.toThrow(/requested lease not found/);
    expect(await head()).toBe(before);
  });

  it('refuses compacting or reading a future revision with OUT_OF_RANGE', async () => {
    const before = await head();
    const future = failure(OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision');
    expect(await raw.call('KV', 'Compact', { revision: before + 1000 })).toEqual(future);
    expect(await raw.call('KV', 'Range', { key: bytes('/a'), revision: before + 1 })).toEqual(future);
    await expect(etcd.kv.compact({ revision: String(before + 1000) })).rejects.toThrow(/future revision/);
    expect((await engine.status()).compactRevision).toBe(0);
    expect(await head()).toBe(before);
  });

  it('refuses the other requests etcd refuses, with its codes and messages', async () => {
    const before = await head();
    const put = (key: string, extra: Message = {}): Message => ({ request_put: { key: bytes(key), value: bytes('v'), ...extra } });
    const cases: [string, keyof EtcdServices, string, Message, object][] = [
      ['a txn putting one key twice', 'KV', 'Txn', { compare: [], success: [put('/d'), put('/d')], failure: [] },
        failure(INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request')],
      ['a txn of 129 operations', 'KV', 'Txn', { compare: [], success: Array.from({ length: 129 }, (_, i) => put(`/t${i}`)), failure: [] },
        failure(INVALID_ARGUMENT, 'etcdserver: too many operations in txn request')],
      ['ignore_value with a value', 'KV', 'Put', { key: bytes('/iv'), value: bytes('x'), ignore_value: true },
        failure(INVALID_ARGUMENT, 'etcdserver: value is provided')],
      ['ignore_value on a missing key', 'KV', 'Put', { key: bytes('/iv'), ignore_value: true },
        failure(INVALID_ARGUMENT, 'etcdserver: key not found')],
      ['a lease TTL over etcd\'s maximum', 'Lease', 'LeaseGrant', { TTL: '9000000001' },
        failure(OUT_OF_RANGE, 'etcdserver: too large lease TTL')],
    ];
    for (const [what, service, method, request, expected] of cases) {
      expect(await raw.call(service, method, request), what).toEqual(expected);
    }
    expect(await head()).toBe(before);
    expect(await exists('/d')).toBe(false);
  });

  // Regression: `limit` near int64's maximum once reached SQLite as a float that is not an integer
  // ("datatype mismatch", INTERNAL). etcd reads normally.
  it('reads with a limit of int64 max, as etcd does', async () => {
    const outcome = await raw.call('KV', 'Range', { key: bytes('/'), range_end: bytes('0'), limit: '9223372036854775807' });
    expect(outcome.details).toBe('');
    expect(outcome.code).toBe(OK);
  });

  // Regression: a prefix's range end is the prefix with its last byte incremented, which need not
  // be UTF-8 ("¿" is c2 bf, its end c2 c0); it was once refused as if it were a key.
  it('serves a prefix read whose range end is not valid UTF-8', async () => {
    await etcd.put('/q/¿a').value('1');
    validWrites++;
    expect(await etcd.getAll().prefix('/q/¿').keys()).toEqual(['/q/¿a']);
  });

  // Regression: the protobuf decoder reads a known field whatever its wire type, so bytes etcd
  // refuses once became a request ([0x0d, 0x05] to KV/Compact compacted to revision 5).
  it('refuses a known field sent with the wrong wire type, as etcd does', async () => {
    const keyAsFixed32 = Buffer.from([0x0d, 0x01, 0x61]); // field 1 (key) with wire type 5
    expect((await raw.call('KV', 'Range', keyAsFixed32)).code).toBe(INTERNAL);
  });

  it('still serves afterwards, and only the valid writes moved the revision', async () => {
    await etcd.put('/last').value('done');
    validWrites++;
    expect(await etcd.get('/last').string()).toBe('done');
    expect(await head()).toBe(startRevision + validWrites);
    expect((await engine.status()).revision).toBe(startRevision + validWrites);
  });
});

// Debian's etcdctl (a client nobody here wrote) against SuperCache's etcd v3 gRPC server.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdServer } from '../../src/supercache/grpc/etcd-server.js';
import { SqliteEngine } from '../../src/supercache/sqlite/sqlite-engine.js';

const run = promisify(execFile);
let dataDir: string;
let engine: SqliteEngine;
let server: EtcdServer;
let endpoint: string;

async function etcdctl(args: string[], input?: string): Promise<string> {
  const child = execFile('etcdctl', [`--endpoints=${endpoint}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
  if (input !== undefined) child.stdin?.end(input);
  const chunks: string[] = [];
  const errors: string[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => errors.push(d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`etcdctl ${args.join(' ')} exited ${code}: ${errors.join('')}`);
  return chunks.join('');
}

beforeAll(async () => {
  await run('etcdctl', ['version']).catch(() => {
    throw new Error('etcdctl is missing: run scripts/install-test-deps.sh (apt-get install etcd-client)');
  });
  dataDir = mkdtempSync(join(tmpdir(), 'supercache-etcdctl-'));
  engine = new SqliteEngine({ dataDir });
  await engine.start();
  server = new EtcdServer({ backend: engine, listen: '127.0.0.1:0' });
  await server.start();
  endpoint = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('etcdctl against supernetes cache', () => {
  it('puts, gets by prefix and at a past revision, and deletes', async () => {
    expect(await etcdctl(['put', '/ctl/a', 'one'])).toBe('OK\n');
    await etcdctl(['put', '/ctl/a', 'two']);
    await etcdctl(['put', '/ctl/b', 'three']);
    expect(await etcdctl(['get', '/ctl/', '--prefix'])).toBe('/ctl/a\ntwo\n/ctl/b\nthree\n');
    const json = JSON.parse(await etcdctl(['get', '/ctl/a', '-w', 'json'])) as {
      header: { revision: number };
      kvs: { mod_revision: number; create_revision: number; version: number }[];
    };
    const kv = json.kvs[0];
    expect(kv?.version).toBe(2);
    const old = await etcdctl(['get', '/ctl/a', `--rev=${kv?.create_revision}`, '--print-value-only']);
    expect(old).toBe('one\n');
    expect(await etcdctl(['get', '/ctl/', '--prefix', '--keys-only', '--sort-by=KEY', '--order=DESCEND'])).toBe(
      '/ctl/b\n\n/ctl/a\n\n',
    );
    expect(await etcdctl(['del', '/ctl/', '--prefix'])).toBe('2\n');
    expect(await etcdctl(['get', '/ctl/', '--prefix'])).toBe('');
  });

  it('runs a txn from stdin, taking the branch its compare chooses', async () => {
    await etcdctl(['put', '/txn/guard', 'open']);
    const success = await etcdctl(['txn'], 'value("/txn/guard") = "open"\n\nput /txn/result yes\n\nput /txn/result no\n\n');
    expect(success).toContain('SUCCESS');
    expect(await etcdctl(['get', '/txn/result', '--print-value-only'])).toBe('yes\n');
    const failure = await etcdctl(['txn'], 'value("/txn/guard") = "closed"\n\nput /txn/result yes\n\nput /txn/result no\n\n');
    expect(failure).toContain('FAILURE');
    expect(await etcdctl(['get', '/txn/result', '--print-value-only'])).toBe('no\n');
  });

  it('watches from a past revision and sees live changes', async () => {
    const { revision } = await engine.put('/watch/a', Buffer.from('1'));
    const watcher = spawn('etcdctl', [`--endpoints=${endpoint}`, 'watch', '/watch/', '--prefix', `--rev=${revision}`], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    let output = '';
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch output so far: ${output}`)), 15_000);
      watcher.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (output.includes('DELETE\n/watch/a')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // The watch is created once etcdctl prints the replayed event; then change things live.
    const until = Date.now() + 10_000;
    while (!output.includes('PUT\n/watch/a\n1') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await etcdctl(['put', '/watch/b', '2']);
    await etcdctl(['del', '/watch/a']);
    await seen.finally(() => watcher.kill());
    expect(output).toBe('PUT\n/watch/a\n1\nPUT\n/watch/b\n2\nDELETE\n/watch/a\n\n');
  });

  it('grants, keeps alive, inspects and revokes a lease, deleting its keys', async () => {
    const grant = await etcdctl(['lease', 'grant', '60']);
    const id = /lease ([0-9a-f]+) granted with TTL\(60s\)/.exec(grant)?.[1];
    expect(id).toBeDefined();
    await etcdctl(['put', '/lease/k', 'v', `--lease=${id}`]);
    expect(await etcdctl(['lease', 'keep-alive', '--once', id as string])).toContain(`lease ${id} keepalived with TTL(60)`);
    expect(await etcdctl(['lease', 'timetolive', id as string, '--keys'])).toMatch(/granted with TTL\(60s\), remaining\(\d+s\), attached keys\(\[\/lease\/k\]\)/);
    expect(await etcdctl(['lease', 'list'])).toContain(id);
    expect(await etcdctl(['lease', 'revoke', id as string])).toContain('revoked');
    expect(await etcdctl(['get', '/lease/k'])).toBe('');
  });

  it('compacts, after which old revisions are refused with etcd\'s message', async () => {
    const first = await engine.put('/compact/k', Buffer.from('old'));
    await engine.put('/compact/k', Buffer.from('new'));
    const head = (await engine.status()).revision;
    expect(await etcdctl(['compaction', String(head)])).toBe(`compacted revision ${head}\n`);
    await expect(etcdctl(['get', '/compact/k', `--rev=${first.revision}`])).rejects.toThrow(
      'required revision has been compacted',
    );
    expect(await etcdctl(['get', '/compact/k', '--print-value-only'])).toBe('new\n');
  });

  it('reports endpoint status and members', async () => {
    const status = JSON.parse(await etcdctl(['endpoint', 'status', '-w', 'json'])) as {
      Endpoint: string;
      Status: { header: { revision: number }; version: string; leader: number };
    }[];
    expect(status[0]?.Endpoint).toBe(endpoint);
    expect(status[0]?.Status.header.revision).toBe(engine.revision);
    expect(status[0]?.Status.version).toMatch(/supercache/);
    expect(await etcdctl(['member', 'list'])).toContain(`http://${endpoint}`);
  });
});

// The conformance suite through the wire: the SQLite engine behind our etcd v3 gRPC server,
// reached with the `etcd3` client (EtcdBackend), as etcdctl and etcd clients reach it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdBackend } from '../../src/supercache/etcd/etcd-backend.js';
import { EtcdServer } from '../../src/supercache/grpc/etcd-server.js';
import { SqliteEngine } from '../../src/supercache/sqlite/sqlite-engine.js';
import { describeBackendConformance } from './conformance.js';

describeBackendConformance('SqliteEngine behind the etcd v3 gRPC server', async (options) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'supercache-grpc-conformance-'));
  const engine = new SqliteEngine({ dataDir, compactionIntervalMs: 0 });
  await engine.start();
  const server = new EtcdServer({ backend: engine, listen: '127.0.0.1:0' });
  await server.start();
  const client = new EtcdBackend({
    endpoints: [`127.0.0.1:${server.port}`],
    ...(options?.watchBacklogLimit === undefined ? {} : { watchBacklogLimit: options.watchBacklogLimit }),
  });
  return {
    backend: client,
    close: async () => {
      await client.close();
      await server.stop();
      await engine.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

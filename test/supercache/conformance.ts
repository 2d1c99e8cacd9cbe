// The shared SuperCache conformance suite: etcd v3 semantics, run unchanged on every Backend (the
// SQLite engine, our etcd gRPC server through the etcd3 client, and EtcdBackend on a real etcd,
// which is the reference). Each test works under its own random key prefix and asserts revisions
// relative to the ones it observed, so tests share one backend without seeing each other.
//
// Usage, in a *.test.ts file:
//   describeBackendConformance('SqliteEngine', async (options) => {
//     const engine = new SqliteEngine({ dataDir, watchBacklogLimit: options?.watchBacklogLimit });
//     await engine.start();
//     return { backend: engine, close: () => engine.close() };
//   });
// `open` is called twice: once without options for the main suite, once with a small
// `watchBacklogLimit` for the overflow tests (a backend that ignores the option fails them).
import { afterAll, beforeAll, describe } from 'vitest';
import { badInputConformance } from './conformance/bad-input.js';
import { compactionConformance } from './conformance/compaction.js';
import { ConformanceFixture, type OpenBackend } from './conformance/fixture.js';
import { kvConformance } from './conformance/kv.js';
import { leaseConformance } from './conformance/lease.js';
import { rangeConformance } from './conformance/range.js';
import { txnConformance } from './conformance/txn.js';
import { watchOverflowConformance } from './conformance/watch-overflow.js';
import { watchConformance } from './conformance/watch.js';

export type { OpenBackend, OpenBackendOptions, OpenedBackend } from './conformance/fixture.js';

export function describeBackendConformance(name: string, open: OpenBackend): void {
  describe(`${name} conforms to etcd v3`, () => {
    describe('on one backend', () => {
      const fixture = new ConformanceFixture(open);
      beforeAll(() => fixture.setUp());
      afterAll(() => fixture.tearDown());

      kvConformance(fixture);
      rangeConformance(fixture);
      txnConformance(fixture);
      watchConformance(fixture);
      leaseConformance(fixture);
      compactionConformance(fixture);
      badInputConformance(fixture);
    });
    watchOverflowConformance(open);
  });
}

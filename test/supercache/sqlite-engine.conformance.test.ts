// The conformance suite on the embedded SQLite engine, one fresh data dir per opened engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEngine } from '../../src/supercache/sqlite/sqlite-engine.js';
import { describeBackendConformance } from './conformance.js';

describeBackendConformance('SqliteEngine', async (options) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'supercache-conformance-'));
  const engine = new SqliteEngine({
    dataDir,
    // The suite compacts by hand; automatic compaction would move the compacted revision under it.
    compactionIntervalMs: 0,
    ...(options?.watchBacklogLimit === undefined ? {} : { watchBacklogLimit: options.watchBacklogLimit }),
  });
  await engine.start();
  return {
    backend: engine,
    close: async () => {
      await engine.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

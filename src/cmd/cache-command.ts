// `supernetes cache`: SuperCache alone, the embedded SQLite engine served over etcd's v3 gRPC API.
import type { Command } from 'commander';
import { EtcdServer } from '../supercache/grpc/etcd-server.js';
import { SqliteEngine } from '../supercache/sqlite/sqlite-engine.js';

export interface CacheCommandOptions {
  dataDir: string;
  listen: string;
  retention: string;
}

export async function runCache(options: CacheCommandOptions, signal: AbortSignal): Promise<void> {
  const engine = new SqliteEngine({ dataDir: options.dataDir, retentionMs: parseDuration(options.retention) });
  await engine.start();
  const server = new EtcdServer({ backend: engine, listen: options.listen });
  await server.start();
  const host = options.listen.replace(/:\d+$/, '');
  console.log(`SuperCache serving the etcd v3 API on ${host}:${server.port} (data in ${options.dataDir}, revision ${engine.revision})`);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.stop();
  await engine.close();
}

export function registerCacheCommand(program: Command, signal: AbortSignal): void {
  program
    .command('cache')
    .description('run SuperCache alone: the embedded store served over the etcd v3 gRPC API')
    .option('--data-dir <dir>', 'where the SQLite file lives', '.data/supercache')
    .option('--listen <host:port>', 'gRPC address (port 0 picks a free one)', '127.0.0.1:2379')
    .option('--retention <duration>', 'history kept by automatic compaction, e.g. 5m, 90s, 1h', '5m')
    .action((options: CacheCommandOptions) => runCache(options, signal));
}

/** "90s", "5m", "1h" or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new Error(`invalid duration "${text}": use a number with ms, s, m or h, e.g. 5m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

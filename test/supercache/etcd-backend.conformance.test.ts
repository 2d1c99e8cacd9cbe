// The conformance suite on EtcdBackend against a real etcd 3.4 on a loopback port: the reference.
import { afterAll, beforeAll } from 'vitest';
import { EtcdBackend } from '../../src/supercache/etcd/etcd-backend.js';
import { startEtcd, type EtcdProcess } from '../support/etcd-process.js';
import { describeBackendConformance } from './conformance.js';

let etcd: EtcdProcess | undefined;

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  await etcd?.stop();
});

describeBackendConformance('EtcdBackend on etcd 3.4', (options) => {
  if (etcd === undefined) throw new Error('etcd did not start');
  const backend = new EtcdBackend({
    endpoints: [etcd.endpoint],
    ...(options?.watchBacklogLimit === undefined ? {} : { watchBacklogLimit: options.watchBacklogLimit }),
  });
  return Promise.resolve({ backend, close: () => backend.close() });
});

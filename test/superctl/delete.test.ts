// superctl delete against the real kubectl: the same deletions in two namespaces of one real API
// server print the same lines and leave the same objects behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { lines, startWritingBench, type WritingBench } from './writing-verbs-support.js';

let bench: WritingBench;

const configMap = (name: string, labels: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, labels: {${labels}}}\ndata: {a: "1"}\n`;
const OBJECTS = [
  configMap('a1', 'set: a'),
  configMap('a2', 'set: a'),
  configMap('b1', 'set: b'),
  configMap('c1', 'set: c'),
  configMap('f1', 'set: f'),
  configMap('rest1', 'set: rest'),
  'apiVersion: v1\nkind: Secret\nmetadata: {name: s1, labels: {set: rest}}\nstringData: {x: "1"}\n',
].join('---\n');

beforeAll(async () => {
  bench = await startWritingBench();
  for (const ns of ['k', 's']) {
    await bench.kubectl.ok(['create', 'namespace', ns]);
    await bench.kubectl.ok(['apply', '-n', ns, '-f', '-'], OBJECTS);
  }
}, 120_000);

afterAll(async () => {
  await bench?.stop();
});

async function both(args: string[]): Promise<{ k: { code: number; stdout: string; stderr: string }; s: { code: number; stdout: string; stderr: string } }> {
  const k = await bench.kubectl.run([...args, '-n', 'k']);
  const s = await bench.superctl.run([...args, '-n', 's']);
  return { k, s };
}

async function remaining(ns: string): Promise<string[]> {
  return lines(await bench.kubectl.ok(['get', 'configmaps,secrets', '-n', ns, '-o', 'name', '-l', 'set']));
}

describe('delete', () => {
  it('deletes by name, TYPE/NAME, -l, -f and --all with the lines kubectl prints', async () => {
    const fPath = await bench.write('delete/f1.yaml', configMap('f1', 'set: f'));
    const steps: string[][] = [
      ['delete', 'configmap', 'a1', 'a2'],
      ['delete', 'configmap/b1'],
      ['delete', 'configmaps', '-l', 'set=c'],
      ['delete', '-f', fPath],
      ['delete', 'configmaps,secrets', '-l', 'set=rest'],
      ['delete', 'configmaps', '-l', 'set=none'],
    ];
    for (const args of steps) {
      const { k, s } = await both(args);
      expect({ code: s.code, stdout: s.stdout, stderr: s.stderr }, args.join(' ')).toEqual({ code: k.code, stdout: k.stdout, stderr: k.stderr });
      expect(await remaining('s'), args.join(' ')).toEqual((await remaining('k')).map((name) => name));
    }
    expect(await remaining('s')).toEqual([]);
  }, 240_000);

  it('reports a missing object as kubectl does, and deletes the others', async () => {
    for (const ns of ['k', 's']) await bench.kubectl.ok(['create', 'configmap', 'here', '-n', ns]);
    const { k, s } = await both(['delete', 'configmap', 'missing', 'here']);
    expect(s.code).toBe(1);
    expect(s.stdout).toBe(k.stdout);
    expect(s.stdout).toBe('configmap "here" deleted\n');
    expect(s.stderr).toBe(k.stderr);
    expect(s.stderr).toBe('Error from server (NotFound): configmaps "missing" not found\n');
    const ignored = await bench.superctl.run(['delete', 'configmap', 'missing', '--ignore-not-found', '-n', 's']);
    expect(ignored).toMatchObject({ code: 0, stdout: '', stderr: '' });
  }, 120_000);

  it('--dry-run deletes nothing; -o name prints kind/name; --all empties the namespace of the type', async () => {
    for (const ns of ['k', 's']) await bench.kubectl.ok(['create', 'configmap', 'kept', '-n', ns]);
    const server = await both(['delete', 'configmap', 'kept', '--dry-run=server']);
    expect(server.s.stdout).toBe(server.k.stdout);
    expect(server.s.stdout).toBe('configmap "kept" deleted (server dry run)\n');
    const client = await both(['delete', 'configmap', 'kept', '--dry-run=client']);
    expect(client.s.stdout).toBe(client.k.stdout);
    for (const ns of ['k', 's']) expect((await bench.kubectl.run(['get', 'configmap', 'kept', '-n', ns])).code).toBe(0);
    const all = await both(['delete', 'configmaps', '--all', '-o', 'name']);
    expect(lines(all.s.stdout)).toEqual(lines(all.k.stdout));
    expect(all.s.stdout).toContain('configmap/kept\n');
    expect(lines(await bench.kubectl.ok(['get', 'configmaps', '-n', 's', '-o', 'name']))).toEqual(lines(await bench.kubectl.ok(['get', 'configmaps', '-n', 'k', '-o', 'name'])));
  }, 120_000);

  it('waits until an object with a finalizer is really gone', async () => {
    await bench.kubectl.ok(['apply', '-n', 's', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n');
    const child = bench.superctl.spawn(['delete', 'configmap', 'held', '-n', 's', '--timeout=60s']);
    let exited = false;
    const done = new Promise<number>((resolve) =>
      child.once('exit', (code) => {
        exited = true;
        resolve(code ?? -1);
      }),
    );
    // The deletion is recorded (deletionTimestamp set) while superctl still waits.
    await waitFor(async () => {
      const held = await bench.kubectl.run(['get', 'configmap', 'held', '-n', 's', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
      return held.stdout !== '';
    }, { what: 'the deletion to be recorded', timeoutMs: 60_000 });
    expect(exited).toBe(false);
    await bench.kubectl.ok(['patch', 'configmap', 'held', '-n', 's', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect(await done).toBe(0);
  }, 120_000);
});

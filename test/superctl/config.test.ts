// superctl config beside kubectl: the merged view of KUBECONFIG's files, contexts, and changes
// written back (use-context, set-context --current --namespace) that the next command obeys.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Superctl, type SuperctlResult } from '../support/superctl.js';

let plane: TestControlPlane;
let dir: string;

/** kubectl with only KUBECONFIG set (the Kubectl helper always passes --kubeconfig). */
function kubectl(kubeconfig: string, args: string[]): Promise<SuperctlResult> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env: { PATH: process.env.PATH, HOME: '/nonexistent', KUBECONFIG: kubeconfig } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

function superctl(kubeconfig: string, args: string[]): Promise<SuperctlResult> {
  return new Superctl(undefined, { PATH: process.env.PATH, HOME: '/nonexistent', KUBECONFIG: kubeconfig }).run(args);
}

/** Two files: the admin kubeconfig and a copy whose names are "other", merged through KUBECONFIG. */
function twoFiles(name: string): string {
  const first = join(dir, `${name}-a.yaml`);
  const second = join(dir, `${name}-b.yaml`);
  copyFileSync(plane.kubeconfigPath, first);
  writeFileSync(second, readFileSync(plane.kubeconfigPath, 'utf8').replace(/supernetes/g, 'other'));
  return `${first}:${second}`;
}

async function expectSame(kubeconfigs: [string, string], args: string[]): Promise<void> {
  const [k, s] = await Promise.all([kubectl(kubeconfigs[0], args), superctl(kubeconfigs[1], args)]);
  expect({ stdout: s.stdout, stderr: s.stderr, code: s.code }, `superctl ${args.join(' ')}`).toEqual({ stdout: k.stdout, stderr: k.stderr, code: k.code });
}

beforeAll(async () => {
  plane = await startTestControlPlane();
  dir = mkdtempSync(join(tmpdir(), 'superctl-config-'));
});

afterAll(async () => {
  await plane.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('superctl config', () => {
  it('reads KUBECONFIG files merged, as kubectl', async () => {
    const merged = twoFiles('read');
    for (const args of [
      ['config', 'view'],
      ['config', 'view', '--minify'],
      ['config', 'view', '--raw'],
      ['config', 'view', '-o', 'jsonpath={.contexts[*].name} {.current-context}'],
      ['config', 'get-contexts'],
      ['config', 'get-contexts', '-o', 'name'],
      ['config', 'current-context'],
      ['config', 'use-context', 'missing'],
    ]) {
      await expectSame([merged, merged], args);
    }
  });

  it('use-context and set-context --current --namespace write the file, and later commands follow', async () => {
    const theirs = twoFiles('kubectl');
    const ours = twoFiles('superctl');
    await plane.request({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: 'elsewhere' } }), headers: { 'Content-Type': 'application/json' } });
    await expectSame([theirs, ours], ['config', 'use-context', 'other']);
    await expectSame([theirs, ours], ['config', 'set-context', '--current', '--namespace=elsewhere']);
    await expectSame([theirs, ours], ['config', 'get-contexts']);
    await expectSame([theirs, ours], ['config', 'view', '--minify']);
    // The context's namespace is where get looks now; --context picks the other one back.
    await expectSame([theirs, ours], ['get', 'pods']);
    await expectSame([theirs, ours], ['--context', 'supernetes', 'get', 'pods', '-n', 'kube-system']);
  });
});

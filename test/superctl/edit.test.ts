// superctl edit against the real kubectl, with an EDITOR script standing in for the person: the
// same edit through each tool leaves the same object; no change cancels; a broken file is refused.
import { chmod, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Superctl } from '../support/superctl.js';
import { comparable, startWritingBench, type WritingBench } from './writing-verbs-support.js';

let bench: WritingBench;

const OBJECTS = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {keep: value1, drop: gone}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: main, image: busybox}
`;

async function editorScript(name: string, body: string): Promise<string> {
  const path = await bench.write(`editors/${name}.sh`, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** superctl with EDITOR set, and kubectl run with the same EDITOR (it reads the test's environment). */
async function editWithBoth(editor: string, args: string[]): Promise<{ k: { code: number; stdout: string; stderr: string }; s: { code: number; stdout: string; stderr: string } }> {
  const superctl = new Superctl(bench.plane.kubeconfigPath, { PATH: process.env.PATH, HOME: '/nonexistent', EDITOR: editor });
  process.env.KUBE_EDITOR = editor;
  try {
    const k = await bench.kubectl.run([...args, '-n', 'k']);
    const s = await superctl.run([...args, '-n', 's']);
    return { k, s };
  } finally {
    delete process.env.KUBE_EDITOR;
  }
}

beforeAll(async () => {
  bench = await startWritingBench();
  for (const ns of ['k', 's']) {
    await bench.kubectl.ok(['create', 'namespace', ns]);
    await bench.kubectl.ok(['create', '-n', ns, '-f', '-'], OBJECTS);
  }
}, 120_000);

afterAll(async () => {
  await bench?.stop();
});

describe('edit', () => {
  it('sends what the editor changed, as kubectl edit does', async () => {
    const editor = await editorScript('change', `sed -i -e 's/value1/value2/' -e '/drop: gone/d' -e 's/replicas: 1/replicas: 3/' "$1"`);
    const cm = await editWithBoth(editor, ['edit', 'configmap', 'settings']);
    expect(cm.s).toMatchObject({ code: 0, stdout: 'configmap/settings edited\n' });
    expect(cm.s.stdout).toBe(cm.k.stdout);
    const deploy = await editWithBoth(editor, ['edit', 'deployment/web']);
    expect(deploy.s).toMatchObject({ code: 0, stdout: 'deployment.apps/web edited\n' });
    for (const [type, name] of [
      ['configmap', 'settings'],
      ['deployment', 'web'],
    ] as const) {
      expect(comparable(await bench.object(type, name, 's'))).toEqual(comparable(await bench.object(type, name, 'k')));
    }
    expect((await bench.object('configmap', 'settings', 's'))['data']).toEqual({ keep: 'value2' });
  }, 180_000);

  it('cancels when nothing changed, and refuses a file that no longer parses', async () => {
    const nothing = await editWithBoth(await editorScript('nothing', 'true'), ['edit', 'configmap', 'settings']);
    expect(nothing.s).toMatchObject({ code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n' });
    expect(nothing.s.stderr).toBe(nothing.k.stderr);

    const before = await bench.object('configmap', 'settings', 's');
    const superctl = new Superctl(bench.plane.kubeconfigPath, {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      EDITOR: await editorScript('break', `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: settings\\ndata: [unclosed\\n' > "$1"`),
    });
    const broken = await superctl.run(['edit', 'configmap', 'settings', '-n', 's']);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/yaml: line \d+/);
    const kept = /your edits are kept in (\S+)\)/.exec(broken.stderr)?.[1];
    expect(kept).toBeDefined();
    await rm(dirname(kept ?? '/nonexistent/x'), { recursive: true, force: true });
    expect(await bench.object('configmap', 'settings', 's')).toEqual(before);
  }, 120_000);
});

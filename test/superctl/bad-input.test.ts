// Bad input to superctl: each mistake is one line that names it, a non-zero exit, no stack trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl } from '../support/kubectl.js';
import { Superctl, type SuperctlResult } from '../support/superctl.js';

let plane: TestControlPlane;
let home: string;

beforeAll(async () => {
  plane = await startTestControlPlane();
  home = mkdtempSync(join(tmpdir(), 'superctl-home-'));
});

afterAll(async () => {
  await plane.stop();
  rmSync(home, { recursive: true, force: true });
});

function expectOneLine(result: SuperctlResult, mentions: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(mentions);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('superctl on bad input', () => {
  it('a missing kubeconfig, and no configuration at all', async () => {
    expectOneLine(await new Superctl('/nonexistent/kubeconfig.yaml').run(['get', 'pods']), /\/nonexistent\/kubeconfig\.yaml does not exist/);
    expectOneLine(await new Superctl(undefined, { PATH: process.env.PATH, HOME: home }).run(['get', 'pods']), /no configuration found in .*\.kube\/config/);
  });

  it('an unreachable server', async () => {
    expectOneLine(await new Superctl(plane.kubeconfigPath).run(['--server', 'https://127.0.0.1:1', 'get', 'pods']), /cannot reach the server.*ECONNREFUSED/);
  });

  it('a wrong token', async () => {
    expectOneLine(await new Superctl(plane.kubeconfigPath).run(['--token', 'not-a-token', 'get', 'pods']), /Unauthorized/);
  });

  it('an unknown resource type, as kubectl says it', async () => {
    const ours = await new Superctl(plane.kubeconfigPath).run(['get', 'flurbs']);
    const theirs = await new Kubectl(plane.kubeconfigPath).run(['get', 'flurbs']);
    expectOneLine(ours, /resource type "flurbs"/);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.code).toBe(theirs.code);
  });

  it('a typo in a flag, a bad output format, a bad template, a missing type', async () => {
    const superctl = new Superctl(plane.kubeconfigPath);
    expectOneLine(await superctl.run(['get', 'pods', '--selectr', 'app=web']), /unknown option '--selectr'.*--selector/);
    expectOneLine(await superctl.run(['get', 'pods', '-o', 'yml']), /output format "yml"/);
    expectOneLine(await superctl.run(['get', 'pods', '-o', 'jsonpath={.items[}']), /jsonpath/);
    expectOneLine(await superctl.run(['get', 'pods', '-o', 'custom-columns=NAME']), /custom-columns/);
    expectOneLine(await superctl.run(['get']), /specify the type of resource/);
    expectOneLine(await superctl.run(['describe', 'pod', 'ghost']), /pods "ghost" not found/);
  });
});

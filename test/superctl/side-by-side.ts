// Running superctl and the real kubectl with the same arguments against one server and comparing
// what they print. Ages are computed by the server when each asks, so a second may tick between
// the two: the pair is run again (at once, side by side) before ages are normalised.
import { expect } from 'vitest';
import { Kubectl } from '../support/kubectl.js';
import { Superctl, type SuperctlResult } from '../support/superctl.js';

const AGE = /\b\d+[smhdy](\d+[smh])?\b/g;

/** Ages replaced and runs of spaces collapsed, so a ticking age does not shift the columns. */
export function normaliseAges(text: string): string {
  return text.replace(AGE, '<age>').replace(/ {2,}/g, '  ');
}

export interface SideBySide {
  kubectl: Kubectl;
  superctl: Superctl;
}

export function sideBySide(kubeconfigPath: string): SideBySide {
  return { kubectl: new Kubectl(kubeconfigPath), superctl: new Superctl(kubeconfigPath) };
}

/** Asserts superctl prints what kubectl prints (stdout, stderr, exit code); returns superctl's result. */
export async function expectSameAsKubectl(pair: SideBySide, args: readonly string[], options: { normalise?: boolean } = {}): Promise<SuperctlResult> {
  let last: [SuperctlResult, SuperctlResult] | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [k, s] = await Promise.all([pair.kubectl.run(args), pair.superctl.run(args)]);
    last = [k, s];
    if (options.normalise !== true && k.stdout === s.stdout && k.stderr === s.stderr && k.code === s.code) return s;
  }
  const [k, s] = last as [SuperctlResult, SuperctlResult];
  const label = `superctl ${args.join(' ')}`;
  expect(normaliseAges(s.stdout), label).toBe(normaliseAges(k.stdout));
  expect(normaliseAges(s.stderr), label).toBe(normaliseAges(k.stderr));
  expect(s.code, label).toBe(k.code);
  return s;
}

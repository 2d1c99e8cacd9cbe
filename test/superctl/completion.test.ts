// superctl completion bash|zsh: the script loads in a real bash and completes verbs, sub-verbs,
// flags and resource types; the zsh script is bash's behind bashcompinit; an unknown shell is
// one line and exit code 1. No cluster: names from the cluster are asked for only after a type.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Superctl } from '../support/superctl.js';

const superctl = new Superctl(undefined);

/** COMPREPLY for the words, with the script loaded in bash. */
async function complete(script: string, words: string[]): Promise<string[]> {
  const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _superctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', program], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`bash failed: ${stderr}`));
      resolve(stdout.split('\n').filter((l) => l !== '').sort());
    });
  });
}

describe('superctl completion', { timeout: 60_000 }, () => {
  it('bash: verbs, sub-verbs, flags of the verb and the globals, resource types', async () => {
    const script = await superctl.ok(['completion', 'bash']);
    expect(script).toContain('complete -o default -F _superctl superctl');
    expect(await complete(script, ['superctl', 'ro'])).toEqual(['rollout']);
    expect(await complete(script, ['superctl', 'rollout', ''])).toEqual(['history', 'pause', 'restart', 'resume', 'status', 'undo']);
    expect(await complete(script, ['superctl', 'drain', '--ig'])).toEqual(['--ignore-daemonsets']);
    expect(await complete(script, ['superctl', 'rollout', 'status', '--ti'])).toEqual(['--timeout']);
    expect(await complete(script, ['superctl', '-n', 'default', 'scale', '--kube'])).toEqual(['--kubeconfig']);
    expect(await complete(script, ['superctl', 'scale', 'dep'])).toEqual(['deployments']);
    expect(await complete(script, ['superctl', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('zsh: the same completion behind bashcompinit', async () => {
    const script = await superctl.ok(['completion', 'zsh']);
    expect(script.split('\n')[0]).toBe('#compdef superctl');
    expect(script).toContain('bashcompinit');
    expect(script).toContain('complete -o default -F _superctl superctl');
  });

  it('an unknown shell is one line and exit code 1', async () => {
    expect(await superctl.run(['completion', 'fish'])).toEqual({ code: 1, stdout: '', stderr: 'error: Unsupported shell type "fish" (bash or zsh).\n' });
  });
});

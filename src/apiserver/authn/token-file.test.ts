import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenFile, parseTokenFile, TokenFileError } from './token-file.js';

describe('parseTokenFile', () => {
  it('reads Kubernetes static token records', () => {
    const { tokens, warnings } = parseTokenFile(
      ['t1,alice,uid-1,"system:masters,dev"', 't2,bob,', 't3,carol,uid-3,ops', 't4,dave,uid-4,"a, ,b,"'].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(tokens).toEqual([
      { token: 't1', name: 'alice', uid: 'uid-1', groups: ['system:masters', 'dev'] },
      { token: 't2', name: 'bob', uid: undefined, groups: [] },
      { token: 't3', name: 'carol', uid: 'uid-3', groups: ['ops'] },
      { token: 't4', name: 'dave', uid: 'uid-4', groups: ['a', 'b'] },
    ]);
  });

  it('skips empty tokens and lets a duplicate replace the earlier record, with warnings', () => {
    const { tokens, warnings } = parseTokenFile(',nobody,0\nt,first,1\nt,second,2\n');
    expect(tokens).toEqual([{ token: 't', name: 'second', uid: '2', groups: [] }]);
    expect(warnings).toHaveLength(2);
  });

  it('rejects short records, empty user names and broken CSV, naming the file and line', () => {
    expect(() => parseTokenFile('t,alice\n', 'tokens.csv')).toThrow(/token file 'tokens.csv': line 1: must have at least 3 columns/);
    expect(() => parseTokenFile('ok,a,1\nt,,1\n')).toThrow(/line 2: empty user name/);
    expect(() => parseTokenFile('t,a"b,1\n')).toThrow(TokenFileError);
  });

  it('loads from disk and reports an unreadable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'supernetes-tokens-'));
    try {
      const path = join(dir, 'tokens.csv');
      await writeFile(path, 'secret,alice,1,admins\n');
      expect((await loadTokenFile(path)).tokens).toEqual([{ token: 'secret', name: 'alice', uid: '1', groups: ['admins'] }]);
      await expect(loadTokenFile(join(dir, 'missing.csv'))).rejects.toThrow(/cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

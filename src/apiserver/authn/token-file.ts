// Kubernetes' static token file (`--token-auth-file`): CSV records `token,user,uid[,"group1,group2"]`.
import { readFile } from 'node:fs/promises';
import { CsvError, parseCsv } from './csv.js';
import type { StaticToken } from './bearer-token.js';

export class TokenFileError extends Error {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`token file '${source}': ${message}`, options);
    this.name = 'TokenFileError';
  }
}

export interface ParsedTokenFile {
  readonly tokens: StaticToken[];
  /** What Kubernetes would log and skip over: empty tokens, duplicates (the later record wins). */
  readonly warnings: string[];
}

export function parseTokenFile(text: string, source = '<inline>'): ParsedTokenFile {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new TokenFileError(source, error instanceof CsvError ? error.message : String(error), { cause: error });
  }
  const byToken = new Map<string, StaticToken>();
  const warnings: string[] = [];
  for (const { line, fields } of records) {
    const [token, name, uid, groupList] = fields;
    if (token === undefined || name === undefined || uid === undefined) {
      throw new TokenFileError(
        source,
        `line ${line}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`,
      );
    }
    if (token === '') {
      warnings.push(`line ${line}: empty token, skipped`);
      continue;
    }
    if (name === '') throw new TokenFileError(source, `line ${line}: empty user name`);
    if (byToken.has(token)) warnings.push(`line ${line}: duplicate token, this record replaces the earlier one`);
    const groups = (groupList ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g.length > 0);
    byToken.set(token, { token, name, uid: uid === '' ? undefined : uid, groups });
  }
  return { tokens: [...byToken.values()], warnings };
}

export async function loadTokenFile(path: string): Promise<ParsedTokenFile> {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TokenFileError(path, 'cannot be read', { cause });
  }
  return parseTokenFile(text, path);
}

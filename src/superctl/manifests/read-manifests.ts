// Reading -f arguments into objects, as kubectl's resource builder does: files, directories (their
// .json/.yaml/.yml files; -R descends), "-" for stdin, multi-document YAML, and kind: List
// expanded into its items. YAML is read as YAML 1.1, as Go's yaml library reads it (0644 is
// octal, yes/on are true), so a manifest means the same thing to superctl as to kubectl.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseAllDocuments, type Tags, type YAMLError } from 'yaml';
import type { JsonObject } from '../../api/patch/json-value.js';
import { CliError } from '../cli-error.js';

export type { JsonObject };

/** One object read from a manifest, with where it came from (for messages). */
export interface Manifest {
  readonly object: JsonObject;
  /** The file name as given (or inside a given directory), or "STDIN". */
  readonly source: string;
}

export interface ManifestSources {
  readonly filenames: readonly string[];
  readonly recursive?: boolean;
  readonly stdin: Readable;
}

// Timestamps stay strings: Kubernetes fields that hold dates are strings.
const YAML_OPTIONS = {
  version: '1.1',
  prettyErrors: true,
  customTags: (tags: Tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
} as const;

const MANIFEST_EXTENSIONS = ['.json', '.yaml', '.yml'];

export async function readManifests(sources: ManifestSources): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const filename of sources.filenames) {
    if (filename === '-') {
      manifests.push(...parseManifests(await readStream(sources.stdin), 'STDIN'));
      continue;
    }
    for (const file of await filesOf(filename, sources.recursive === true)) {
      manifests.push(...parseManifests(await readFile(file, 'utf8'), file));
    }
  }
  return manifests;
}

/** The files a -f argument names: itself, or the manifest files of a directory. */
async function filesOf(path: string, recursive: boolean): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new CliError(`error: the path "${path}" does not exist`);
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...(await filesOf(child, true)));
    } else if (MANIFEST_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      files.push(child);
    }
  }
  return files;
}

function readStream(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The objects of one file's text; a syntax error names the file and the line (of the file). */
export function parseManifests(text: string, source: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const document of parseAllDocuments(text, YAML_OPTIONS)) {
    const error = document.errors[0];
    if (error !== undefined) throw syntaxError(error, source);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      throw new CliError(`error: error parsing ${source}: ${(cause as Error).message}`);
    }
    if (value === null || value === undefined) continue;
    const line = document.range[0] === 0 ? 1 : lineAt(text, document.range[0]);
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError(`error: error parsing ${source}: the document at line ${line} is not an object (a mapping with apiVersion and kind)`);
    }
    manifests.push(...expandLists(value as JsonObject, source, line));
  }
  return manifests;
}

function syntaxError(error: YAMLError, source: string): CliError {
  const line = error.linePos?.[0].line;
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return new CliError(`error: error parsing ${source}: error converting YAML to JSON: yaml: ${line === undefined ? '' : `line ${line}: `}${message}`);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** kind: List (and the *List kinds `kubectl get -o yaml` writes) stand for their items. */
function expandLists(object: JsonObject, source: string, line: number): Manifest[] {
  const kind = object['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(object['items'])) {
    return (object['items'] as unknown[]).flatMap((item) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new CliError(`error: error parsing ${source}: an item of the List at line ${line} is not an object`);
      }
      return expandLists(item as JsonObject, source, line);
    });
  }
  const missing = [object['apiVersion'] === undefined || object['apiVersion'] === '' ? 'apiVersion not set' : '', kind === undefined || kind === '' ? 'kind not set' : ''].filter(
    (problem) => problem !== '',
  );
  if (missing.length > 0) {
    throw new CliError(`error: error validating "${source}": error validating data: [${missing.join(', ')}] (the object at line ${line})`);
  }
  if (typeof object['apiVersion'] !== 'string' || typeof kind !== 'string') {
    throw new CliError(`error: error validating "${source}": apiVersion and kind must be strings (the object at line ${line})`);
  }
  return [{ object, source }];
}

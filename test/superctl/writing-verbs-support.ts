// What the writing-verb tests share: one real API server, superctl and the real kubectl pointed at
// it, manifests in a temporary directory, and objects reduced to what a user wrote or a verb
// changed (server-assigned identity and bookkeeping stripped) so two namespaces can be compared.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kubectl } from '../support/kubectl.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Superctl } from '../support/superctl.js';

export interface WritingBench {
  readonly plane: TestControlPlane;
  readonly superctl: Superctl;
  readonly kubectl: Kubectl;
  readonly dir: string;
  /** Writes a file under the temporary directory; returns its path. */
  write(relative: string, text: string): Promise<string>;
  /** The object as JSON, by kubectl (so neither side reads its own output). */
  object(type: string, name: string, namespace: string): Promise<Record<string, unknown>>;
  /** Every object of the types (comma-separated) in the namespace, by "Kind/name", in one kubectl call. */
  objects(types: string, namespace: string): Promise<Map<string, Record<string, unknown>>>;
  stop(): Promise<void>;
}

export async function startWritingBench(): Promise<WritingBench> {
  const plane = await startTestControlPlane();
  const dir = await mkdtemp(join(tmpdir(), 'superctl-writing-'));
  const kubectl = new Kubectl(plane.kubeconfigPath);
  return {
    plane,
    superctl: new Superctl(plane.kubeconfigPath),
    kubectl,
    dir,
    async write(relative, text) {
      const path = join(dir, relative);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    async object(type, name, namespace) {
      return JSON.parse(await kubectl.ok(['get', type, name, '-n', namespace, '-o', 'json'])) as Record<string, unknown>;
    },
    async objects(types, namespace) {
      const list = JSON.parse(await kubectl.ok(['get', types, '-n', namespace, '-o', 'json'])) as { items: Record<string, unknown>[] };
      const byKey = new Map<string, Record<string, unknown>>();
      for (const item of list.items) byKey.set(`${String(item['kind'])}/${String((item['metadata'] as { name: string }).name)}`, item);
      return byKey;
    },
    async stop() {
      await plane.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The object without what differs between two copies made by different clients in different
 * namespaces: identity, versions, timestamps, managers, the namespace, allocated cluster IPs and node ports.
 * The last-applied annotation is kept: it must be the same byte for byte.
 */
export function comparable(object: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  const metadata = (copy['metadata'] ?? {}) as Record<string, unknown>;
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'namespace', 'generation']) delete metadata[field];
  const annotations = metadata['annotations'] as Record<string, string> | undefined;
  const lastApplied = annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (annotations !== undefined && lastApplied !== undefined) {
    // The annotation names the namespace it was applied to; compare the rest of it.
    annotations['kubectl.kubernetes.io/last-applied-configuration'] = lastApplied.replace(/"namespace":"[^"]*"/g, '"namespace":"-"');
  }
  const spec = copy['spec'] as Record<string, unknown> | undefined;
  if (spec !== undefined) {
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
    if (Array.isArray(spec['ports'])) for (const port of spec['ports'] as Record<string, unknown>[]) delete port['nodePort'];
  }
  return copy;
}

/** Output lines with the namespace-specific parts left as they are, sorted for set comparison. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .sort();
}

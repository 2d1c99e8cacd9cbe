// Reading manifests: what kubectl's decoder would make of the same text, and errors that name the
// file and the line of the file (not of the document) where YAML broke.
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { parseManifests } from './read-manifests.js';

describe('parseManifests', () => {
  it('reads every document, skips empty ones and expands Lists', () => {
    const text = `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n- {apiVersion: v1, kind: Service, metadata: {name: c}}\n`;
    expect(parseManifests(text, 'f.yaml').map((m) => `${m.object['kind'] as string}/${(m.object['metadata'] as { name: string }).name}`)).toEqual([
      'ConfigMap/a',
      'Secret/b',
      'Service/c',
    ]);
  });

  it('reads YAML 1.1 as Go does: 0644 is octal, timestamps stay strings', () => {
    const [manifest] = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmode: 0644\nwhen: 2024-01-02\n', 'f.yaml');
    expect(manifest?.object['mode']).toBe(420);
    expect(manifest?.object['when']).toBe('2024-01-02');
  });

  it('names the file and the line of the file where the YAML breaks', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  bad: x: y\n';
    let error: unknown;
    try {
      parseManifests(text, 'dir/f.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toMatch(/^error: error parsing dir\/f\.yaml: error converting YAML to JSON: yaml: line 9: /);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses an object without kind or apiVersion, and a document that is not an object', () => {
    expect(() => parseManifests('metadata: {name: a}\n', 'f.yaml')).toThrow('[apiVersion not set, kind not set]');
    expect(() => parseManifests('- just\n- a list\n', 'f.yaml')).toThrow('is not an object');
  });
});

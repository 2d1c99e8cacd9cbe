// Builds the schema file from kubernetes-types and the served resources, and writes it in a
// stable, reviewable form: one schema per line, sorted by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceDescriptor } from '../../registry/resource.js';
import type { SchemaFile } from '../schema-types.js';
import { SchemaGenerator } from './generate.js';
import { definitionNameOf } from '../naming.js';
import { addPatchExtensions, type KindDefinition } from './patch-extensions.js';
import { modulesOf, rootTypesOf } from './roots.js';

export function buildSchemaFile(typesDir: string, descriptors: readonly ResourceDescriptor[]): SchemaFile {
  const roots = rootTypesOf(descriptors);
  const schemas = new SchemaGenerator(typesDir, modulesOf(roots)).generate(roots);
  const kinds: KindDefinition[] = descriptors.map((d) => ({
    definition: definitionNameOf(d.group, d.version, d.kind),
    group: d.group,
    kind: d.kind,
  }));
  addPatchExtensions(schemas, kinds);
  const { version } = JSON.parse(readFileSync(join(typesDir, 'package.json'), 'utf8')) as { version: string };
  return { source: `kubernetes-types ${version}`, schemas };
}

export function formatSchemaFile(file: SchemaFile): string {
  const lines = Object.entries(file.schemas).map(([name, schema]) => `    ${JSON.stringify(name)}: ${JSON.stringify(schema)}`);
  return `{\n  "source": ${JSON.stringify(file.source)},\n  "schemas": {\n${lines.join(',\n')}\n  }\n}\n`;
}

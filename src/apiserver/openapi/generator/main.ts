// Writes src/apiserver/openapi/schemas.json from the kubernetes-types declarations:
//   npx tsx src/apiserver/openapi/generator/main.ts          regenerate
//   npx tsx src/apiserver/openapi/generator/main.ts --check  exit 1 if the file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { builtInResources } from '../../registry/resources/index.js';
import { kubernetesTypesDir } from './generate.js';
import { buildSchemaFile, formatSchemaFile } from './schema-file.js';

const target = fileURLToPath(new URL('../schemas.json', import.meta.url).href.replace('/dist/', '/src/'));
const require = createRequire(import.meta.url);
const text = formatSchemaFile(buildSchemaFile(kubernetesTypesDir((s) => require.resolve(s)), builtInResources()));

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    process.stderr.write(`${target} is out of date: run npx tsx src/apiserver/openapi/generator/main.ts\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target} (${text.length} bytes)\n`);
}

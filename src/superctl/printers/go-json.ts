// JSON as kubectl prints it (Go's encoding/json on an unstructured object): keys sorted, four-space
// indent, and <, >, & escaped the way Go escapes them for HTML safety.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byBytes)) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function toGoJson(value: unknown): string {
  // The escaped characters can only occur inside strings, so replacing them in the text is safe.
  return `${JSON.stringify(sortKeys(value), null, 4)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

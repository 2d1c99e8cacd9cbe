// Parsing a PATCH request body. kube-apiserver answers a body that is not JSON with 400 BadRequest
// and Go's encoding/json message, which kubectl shows verbatim, so the common messages are mimicked.

import type { Json } from './json-value.js';
import { patchBadRequest } from './patch-error.js';

const decoder = new TextDecoder('utf-8');

export function parsePatchBody(body: string | Uint8Array): Json {
  const text = typeof body === 'string' ? body : decoder.decode(body);
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw patchBadRequest(goSyntaxMessage(text, error), error);
  }
}

function goSyntaxMessage(text: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (text.trim() === '' || /end of (JSON|data)|Unterminated/i.test(detail)) return 'unexpected end of JSON input';
  const token = /Unexpected token '?(.)'?,/.exec(detail)?.[1];
  const position = /position (\d+)/.exec(detail)?.[1];
  const at = position === undefined ? firstOddCharacter(text) : Number(position);
  const character = token ?? (text.charAt(at) || text.trim().charAt(0));
  const where = /after JSON/i.test(detail) ? 'after top-level value' : 'looking for beginning of value';
  return `invalid character '${character}' ${where}`;
}

/** Best guess at where parsing failed when the engine's message gives no position. */
function firstOddCharacter(text: string): number {
  const index = text.search(/[^\s{}[\]:,"0-9.eE+\-a-z]/);
  return index === -1 ? 0 : index;
}

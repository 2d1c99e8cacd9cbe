// Reading a request body: bounded in size (413 beyond 3 MiB, as upstream), decoded as JSON or YAML.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../../api/api-errors.js';
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF_MEDIA_TYPE, ProtobufDecodeError } from '../protobuf/decode.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) {
    request.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decodes a JSON or YAML body into a plain value; malformed input is a 400 naming the problem. */
export function decodeBody(body: Buffer, type: string): unknown {
  if (type === KUBERNETES_PROTOBUF_MEDIA_TYPE) {
    // kubectl 1.33's typed clients send protobuf; responses stay JSON, which they also accept.
    try {
      return decodeKubernetesProtobuf(body);
    } catch (error) {
      throw error instanceof ProtobufDecodeError ? badRequest(error.message) : error;
    }
  }
  if (type !== 'application/json' && !type.endsWith('yaml') && !type.endsWith('+json')) {
    throw unsupportedMediaType(type, ['application/json', 'application/yaml', KUBERNETES_PROTOBUF_MEDIA_TYPE]);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  if (type.endsWith('yaml')) {
    try {
      return parseYaml(text) as unknown;
    } catch (error) {
      throw badRequest(`error converting YAML to JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw badRequest(`couldn't get version/kind; json parse error: ${detail}`);
  }
}

// Decodes a request body in Kubernetes' protobuf format (application/vnd.kubernetes.protobuf), as
// client-go's typed clients send it (kubectl create configmap|secret|deployment|job|...), into the
// JSON form of the same object, so everything after body decoding sees what a JSON client sends.
//
// The wire format: the 4 magic bytes "k8s\0", then a runtime.Unknown message whose typeMeta names
// the apiVersion and kind and whose raw field holds the object's own protobuf encoding (which
// carries no apiVersion/kind). See k8s.io/apimachinery/pkg/runtime/serializer/protobuf.
import { ProtobufDecodeError } from './errors.js';
import { kubernetesProtobufSchema } from './schema.js';
import { messageToJson, type JsonObject } from './to-json.js';

export { ProtobufDecodeError, type ProtobufDecodeErrorCode } from './errors.js';

export const KUBERNETES_PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * The JSON form of the object in a Kubernetes protobuf body: `kind` and `apiVersion` from the
 * envelope, then the object's fields as encoding/json prints them. Throws ProtobufDecodeError.
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError('Malformed', 'the body is not Kubernetes protobuf: it does not start with the "k8s\\x00" prefix');
  }
  const schema = kubernetesProtobufSchema();
  const envelope = decodeWith(() => schema.unknown.decode(body.subarray(MAGIC.length)), 'the runtime.Unknown envelope') as {
    typeMeta?: { apiVersion?: unknown; kind?: unknown } | null;
    raw?: unknown;
    contentEncoding?: unknown;
  };
  const apiVersion = text(envelope.typeMeta?.apiVersion);
  const kind = text(envelope.typeMeta?.kind);
  if (kind === '' || apiVersion === '') {
    throw new ProtobufDecodeError('Malformed', `the protobuf envelope names no ${kind === '' ? 'kind' : 'apiVersion'}`);
  }
  const encoding = text(envelope.contentEncoding);
  if (encoding !== '') {
    throw new ProtobufDecodeError('UnsupportedEncoding', `${kind} ${apiVersion}: content encoding "${encoding}" is not supported`);
  }
  const type = schema.typeFor(apiVersion, kind);
  if (type === undefined) {
    throw new ProtobufDecodeError('UnknownKind', `no protobuf schema for kind "${kind}" in version "${apiVersion}"; send it as JSON`);
  }
  const bytes = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array(0);
  const object = decodeWith(() => type.decode(bytes), `${kind} ${apiVersion}`);
  const json = messageToJson(type, object);
  return { kind, apiVersion, ...(isObject(json) ? json : {}) };
}

function decodeWith<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ProtobufDecodeError('Malformed', `malformed protobuf in ${what}: ${detail}`, { cause: error });
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

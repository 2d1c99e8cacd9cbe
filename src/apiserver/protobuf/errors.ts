// Why a Kubernetes protobuf body could not be decoded. The HTTP edge turns it into a Status
// (upstream answers 400 BadRequest for all three: see transformDecodeError in the apiserver).
export type ProtobufDecodeErrorCode =
  /** Not the k8s\0 envelope, truncated, or a field that does not parse. */
  | 'Malformed'
  /** A well-formed envelope for an apiVersion/kind this server has no protobuf schema for. */
  | 'UnknownKind'
  /** The envelope declares a content encoding (e.g. gzip) that is not supported. */
  | 'UnsupportedEncoding';

export class ProtobufDecodeError extends Error {
  constructor(
    readonly code: ProtobufDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProtobufDecodeError';
  }
}

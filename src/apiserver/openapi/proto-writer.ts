// A minimal protocol-buffers writer: enough of the wire format (varints and length-delimited
// fields) to encode the OpenAPI v2 document as gnostic's openapi_v2.Document.

export class ProtoMessage {
  private readonly parts: Buffer[] = [];
  private size = 0;

  private push(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
  }

  private key(field: number, wireType: 0 | 2): void {
    this.push(varint(field * 8 + wireType));
  }

  /** A string field; proto3 leaves out the empty string. */
  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const value of values ?? []) this.bytes(field, Buffer.from(value, 'utf8'));
    return this;
  }

  /** A bool field; proto3 leaves out false. */
  bool(field: number, value: boolean | undefined): this {
    if (value !== true) return this;
    this.key(field, 0);
    this.push(varint(1));
    return this;
  }

  /** A sub-message, written even when empty: its presence can matter. */
  message(field: number, message: ProtoMessage | undefined): this {
    if (message === undefined) return this;
    return this.bytes(field, message.encode());
  }

  messages(field: number, messages: readonly ProtoMessage[]): this {
    for (const message of messages) this.message(field, message);
    return this;
  }

  private bytes(field: number, data: Buffer): this {
    this.key(field, 2);
    this.push(varint(data.length));
    this.push(data);
    return this;
  }

  encode(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

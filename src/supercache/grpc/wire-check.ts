// protobufjs decodes a known field whatever wire type it arrives with, so bytes etcd refuses
// ("proto: wrong wireType") would become a request. This walks a message's tag stream first and
// refuses a known field sent with the wrong wire type, recursing into embedded messages.
import protobuf from 'protobufjs';

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const SCALAR_WIRE: Record<string, number> = {
  double: WIRE.fixed64,
  fixed64: WIRE.fixed64,
  sfixed64: WIRE.fixed64,
  float: WIRE.fixed32,
  fixed32: WIRE.fixed32,
  sfixed32: WIRE.fixed32,
  string: WIRE.bytes,
  bytes: WIRE.bytes,
};

export class WireTypeError extends Error {}

function expectedWire(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type || field.map) return WIRE.bytes;
  return SCALAR_WIRE[field.type] ?? WIRE.varint;
}

export function checkWireTypes(type: protobuf.Type, buffer: Uint8Array, depth = 0): void {
  if (depth > 32) throw new WireTypeError('proto: message nested too deeply');
  const reader = protobuf.Reader.create(buffer);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    const field = type.fieldsById[id];
    if (field !== undefined) {
      const expected = expectedWire(field);
      // Repeated numbers may also come packed (length-delimited).
      const packedOk = field.repeated && wire === WIRE.bytes && expected !== WIRE.bytes;
      if (wire !== expected && !packedOk) {
        throw new WireTypeError(`proto: wrong wireType = ${wire} for field ${field.name}`);
      }
      if (wire === WIRE.bytes && field.resolvedType instanceof protobuf.Type && !field.map) {
        const start = reader.pos;
        const length = reader.uint32();
        const from = reader.pos;
        if (from + length > reader.len) throw new WireTypeError('proto: unexpected EOF');
        checkWireTypes(field.resolvedType, buffer.subarray(from, from + length), depth + 1);
        reader.pos = start;
      }
    }
    reader.skipType(wire);
  }
}

/**
 * A minimal protocol-buffers reader and writer, enough to walk and patch an ONNX model without a
 * protobuf library: {@link fields} lists a message's fields as offsets into the original bytes (no
 * copies), and the encoders build the few small messages a rewrite adds. Runs in browsers,
 * workers and Node alike.
 */
import { AppError } from "../errors";

/** The bytes are not a well-formed protobuf message (truncated, or a bad wire type). */
export class ProtobufError extends AppError {
  override readonly name = "ProtobufError";
}

/** One field of a message, located in the buffer it was read from. */
export interface Field {
  readonly number: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wireType: number;
  /** Where the field starts (its tag) and ends, in the buffer. */
  readonly start: number;
  readonly end: number;
  /** Length-delimited fields: where the payload starts; others: where the value starts. */
  readonly valueStart: number;
  /** Varint fields: the value (exact up to 2^53). */
  readonly varint: number;
}

function readVarint(bytes: Uint8Array, offset: number, limit: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let position = offset; position < limit && position < offset + 10; position += 1) {
    const byte = bytes[position] ?? 0;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: position + 1 };
    scale *= 128;
  }
  throw new ProtobufError("protobuf_malformed", `truncated varint at byte ${offset}`);
}

/**
 * The fields of the message in `bytes[start, end)`, in file order. Throws {@link ProtobufError}
 * when the bytes do not parse as a message; unknown fields are listed like any other.
 */
export function fields(bytes: Uint8Array, start = 0, end = bytes.length): Field[] {
  const found: Field[] = [];
  let offset = start;
  while (offset < end) {
    const tag = readVarint(bytes, offset, end);
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (number === 0) throw new ProtobufError("protobuf_malformed", `field number 0 at byte ${offset}`);
    let valueStart = tag.next;
    let next: number;
    let varint = 0;
    if (wireType === 0) {
      const value = readVarint(bytes, tag.next, end);
      varint = value.value;
      next = value.next;
    } else if (wireType === 1) {
      next = tag.next + 8;
    } else if (wireType === 5) {
      next = tag.next + 4;
    } else if (wireType === 2) {
      const length = readVarint(bytes, tag.next, end);
      valueStart = length.next;
      next = length.next + length.value;
    } else {
      throw new ProtobufError("protobuf_malformed", `unsupported wire type ${wireType} at byte ${offset}`);
    }
    if (next > end) throw new ProtobufError("protobuf_malformed", `field ${number} at byte ${offset} runs past its message`);
    found.push({ number, wireType, start: offset, end: next, valueStart, varint });
    offset = next;
  }
  return found;
}

const decoder = new TextDecoder();

/** A length-delimited field's payload as UTF-8 text (names, op types). */
export function text(bytes: Uint8Array, field: Field): string {
  return decoder.decode(bytes.subarray(field.valueStart, field.end));
}

/** The value of each length-delimited field `number` of the message in `bytes[start, end)`, as text. */
export function texts(bytes: Uint8Array, start: number, end: number, number: number): string[] {
  return fields(bytes, start, end)
    .filter((field) => field.number === number && field.wireType === 2)
    .map((field) => text(bytes, field));
}

/** The last length-delimited field `number` of a message (protobuf's "last one wins"), or undefined. */
export function lastMessage(list: readonly Field[], number: number): Field | undefined {
  return list.filter((field) => field.number === number && field.wireType === 2).at(-1);
}

/**
 * The bytes of `value` as a protobuf varint; a negative value (an int32/int64 field) as the ten-byte
 * varint of its 64-bit two's complement, as protobuf writes it.
 */
export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  if (value < 0) {
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 128n) {
      out.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    out.push(Number(rest));
    return Uint8Array.from(out);
  }
  let rest = value;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** The tag and length that start a length-delimited field `number` with a payload of `length` bytes. */
export function lengthHeader(number: number, length: number): Uint8Array {
  return concat([encodeVarint(number * 8 + 2), encodeVarint(length)]);
}

/** A whole length-delimited field `number` whose payload is `parts` (kept as they are, not joined). */
export function lengthDelimited(number: number, parts: readonly Uint8Array[]): Uint8Array[] {
  return [lengthHeader(number, byteLength(parts)), ...parts];
}

/** A whole varint field. */
export function varintField(number: number, value: number): Uint8Array {
  return concat([encodeVarint(number * 8), encodeVarint(value)]);
}

/** A whole length-delimited field holding `payload` (a nested message, bytes or UTF-8 text). */
export function bytesField(number: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return concat([lengthHeader(number, body.length), body]);
}

/** Total length of `parts`. */
export function byteLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

/** `parts` joined into one new buffer. */
export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(byteLength(parts));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

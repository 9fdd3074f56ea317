// The protobuf walker: what the encoders write reads back field by field, large varints stay
// exact, and broken input throws ProtobufError (which slimDecoder turns into a "skipped").
import { describe, expect, it } from "vitest";
import { bytesField, concat, encodeVarint, fields, lastMessage, ProtobufError, text, texts, varintField } from "@/lib/model/protobuf";

describe("protobuf", () => {
  it("reads back what the encoders write, as offsets into the same buffer", () => {
    const inner = concat([bytesField(1, "a"), bytesField(1, "b"), varintField(2, 300)]);
    const message = concat([varintField(1, 7), bytesField(7, inner), bytesField(7, bytesField(1, "last"))]);
    const list = fields(message);
    expect(list.map((field) => [field.number, field.wireType])).toEqual([[1, 0], [7, 2], [7, 2]]);
    expect(list[0]?.varint).toBe(7);
    const first = list[1];
    if (first === undefined) throw new Error("missing field");
    expect(texts(message, first.valueStart, first.end, 1)).toEqual(["a", "b"]);
    expect(fields(message, first.valueStart, first.end)[2]?.varint).toBe(300);
    const last = lastMessage(list, 7);
    expect(last && text(message, fields(message, last.valueStart, last.end)[0] ?? last)).toBe("last");
  });

  it("keeps varints above 2^32 exact", () => {
    const big = 2 ** 40 + 5;
    expect(encodeVarint(300)).toEqual(Uint8Array.from([0xac, 0x02]));
    // Negative int64 values: the ten-byte varint of the 64-bit two's complement, as protobuf writes them.
    expect(encodeVarint(-1)).toEqual(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(encodeVarint(-2)).toEqual(Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(fields(varintField(3, big))[0]?.varint).toBe(big);
  });

  it("throws ProtobufError on truncated or invalid input", () => {
    expect(() => fields(Uint8Array.from([0x3a, 0x05, 0x01]))).toThrow(ProtobufError);
    expect(() => fields(Uint8Array.from([0x08, 0xff]))).toThrow(ProtobufError);
    expect(() => fields(Uint8Array.from([0x0b]))).toThrow(ProtobufError);
    expect(() => fields(Uint8Array.from([0x00]))).toThrow(ProtobufError);
  });
});

import { describe, expect, it } from "vitest";
import { jsonRepresentation, ownedBytes } from "./representation.ts";

describe("cached bodies own their memory", () => {
  it("never shares Buffer's pool slab, however small", () => {
    const pooled = Buffer.from('{"a":1}');
    // The premise: a small Buffer.from lives in a larger shared ArrayBuffer.
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const rep = jsonRepresentation({ a: 1 });
    expect(rep.body.toString()).toBe('{"a":1}');
    expect(rep.body.buffer.byteLength).toBe(rep.body.byteLength);
  });

  it("copies a slice out of a larger read", () => {
    const read = Buffer.alloc(64 * 1024, 7);
    const body = ownedBytes(read.subarray(100, 110));
    expect(body.buffer.byteLength).toBe(10);
    expect([...body]).toEqual(new Array(10).fill(7));
  });
});

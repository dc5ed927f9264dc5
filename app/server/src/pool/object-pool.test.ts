import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ObjectPool } from "./object-pool.ts";

describe("ObjectPool", () => {
  it("never hands out an object that is still in use, and keeps its counters consistent", () => {
    fc.assert(
      fc.property(
        fc.nat(8),
        fc.array(fc.oneof(fc.constant(-1), fc.nat(30)), { maxLength: 200 }),
        (max, ops) => {
          let resets = 0;
          const pool = new ObjectPool({
            create: () => ({ id: 0 }),
            reset: (o) => {
              o.id = 0;
              resets++;
            },
            max,
          });
          const inUse: { id: number }[] = [];
          for (const o of ops) {
            if (o === -1 || inUse.length === 0) {
              const obj = pool.acquire();
              expect(inUse).not.toContain(obj);
              expect(obj.id).toBe(0);
              obj.id = 1;
              inUse.push(obj);
            } else {
              const [obj] = inUse.splice(o % inUse.length, 1);
              if (obj) pool.release(obj);
            }
            const s = pool.stats();
            expect(s.inUse).toBe(inUse.length);
            expect(s.idle).toBeLessThanOrEqual(max);
            expect(s.acquired - s.released).toBe(s.inUse);
            expect(s.misses).toBe(s.created);
            expect(resets).toBe(s.released);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reuses released objects before creating new ones", () => {
    const pool = new ObjectPool({ create: () => new Float64Array(64), max: 4 });
    const a = pool.acquire();
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    expect(pool.stats()).toMatchObject({ created: 1, misses: 1, acquired: 2, inUse: 1 });
  });

  it("throws a clear error on double release and on foreign objects", () => {
    const pool = new ObjectPool({ create: () => ({}), max: 1 });
    const a = pool.acquire();
    const b = pool.acquire();
    pool.release(a);
    expect(() => pool.release(a)).toThrow(/already released \(double release\)/);
    pool.release(b); // pool is full: b is dropped and forgotten
    expect(() => pool.release(b)).toThrow(/not in use from this pool/);
    expect(() => pool.release({})).toThrow(/not in use from this pool/);
    expect(pool.stats().released).toBe(2);
  });

  it("does not accept a copy of a pooled object, and leaves no visible trace on objects", () => {
    const pool = new ObjectPool({ create: () => ({ n: 1 }), max: 2 });
    const a = pool.acquire();
    expect(Object.keys(a)).toEqual(["n"]);
    expect(JSON.stringify(a)).toBe('{"n":1}');
    expect(() => pool.release({ ...a })).toThrow(/not in use from this pool/);
    expect(() => new ObjectPool({ create: () => ({}), max: 1 }).release(a)).toThrow(/not in use/);
    pool.release(a);
  });

  it("rejects a bad max and objects it cannot track", () => {
    expect(() => new ObjectPool({ create: () => ({}), max: -1 })).toThrow(/max must be/);
    const frozen = new ObjectPool({ create: () => Object.freeze({}), max: 1 });
    expect(() => frozen.acquire()).toThrow(/extensible object/);
  });
});

import { ObjectPool } from "../app/server/src/pool/object-pool.ts";
import { type BenchGroup, type BenchHandle, defineSuite } from "./_lib/suite.ts";

const OPS = 20_000;
/** Allocating typed arrays costs ~1-3 µs an op: fewer per call keeps a call near 5 ms. */
const ALLOC_BUFFER_OPS = 2_000;
/** Objects stay alive for this many ops, as a request handler holds a buffer briefly. */
const LIVE = 8;

interface Source<T> {
  get(): T;
  /** Called with the object pushed out of the live ring. */
  drop(obj: T): void;
}

/**
 * Each op obtains an object, writes every field, reads two back and parks it in a ring of
 * `LIVE` slots; the object pushed out of the ring is dropped (allocation) or released (pool).
 */
function drive<T>(source: Source<T>, fill: (obj: T, i: number) => number, ops = OPS): BenchHandle {
  const ring: (T | undefined)[] = Array.from({ length: LIVE }, () => undefined);
  let slot = 0;
  const run = (): number => {
    let sum = 0;
    for (let i = 0; i < ops; i++) {
      const obj = source.get();
      sum += fill(obj, i);
      const old = ring[slot];
      if (old !== undefined) source.drop(old);
      ring[slot] = obj;
      slot = (slot + 1) & (LIVE - 1);
    }
    return sum;
  };
  return { run };
}

function fillBuffer(buffer: Float64Array, i: number): number {
  for (let k = 0; k < 64; k++) buffer[k] = i + k;
  return (buffer[0] as number) + (buffer[63] as number);
}

interface Record16 {
  f0: number;
  f1: number;
  f2: number;
  f3: number;
  f4: number;
  f5: number;
  f6: number;
  f7: number;
  f8: number;
  f9: number;
  f10: number;
  f11: number;
  f12: number;
  f13: number;
  f14: number;
  f15: number;
}

function newRecord(): Record16 {
  return {
    f0: 0,
    f1: 0,
    f2: 0,
    f3: 0,
    f4: 0,
    f5: 0,
    f6: 0,
    f7: 0,
    f8: 0,
    f9: 0,
    f10: 0,
    f11: 0,
    f12: 0,
    f13: 0,
    f14: 0,
    f15: 0,
  };
}

function fillRecord(r: Record16, i: number): number {
  r.f0 = i;
  r.f1 = i + 1;
  r.f2 = i + 2;
  r.f3 = i + 3;
  r.f4 = i + 4;
  r.f5 = i + 5;
  r.f6 = i + 6;
  r.f7 = i + 7;
  r.f8 = i + 8;
  r.f9 = i + 9;
  r.f10 = i + 10;
  r.f11 = i + 11;
  r.f12 = i + 12;
  r.f13 = i + 13;
  r.f14 = i + 14;
  r.f15 = i + 15;
  return r.f0 + r.f15;
}

function pooled<T extends object>(create: () => T): Source<T> {
  const pool = new ObjectPool<T>({ create, max: 2 * LIVE });
  return { get: () => pool.acquire(), drop: (obj) => pool.release(obj) };
}

function allocated<T>(create: () => T): Source<T> {
  return { get: create, drop: () => {} };
}

const newBuffer = (): Float64Array => new Float64Array(64);

/** Pool vs allocation of one kind of object; allocation may run fewer ops per call. */
function group<T extends object>(
  id: string,
  title: string,
  create: () => T,
  fill: (obj: T, i: number) => number,
  allocOps = OPS,
): BenchGroup {
  return {
    id,
    title,
    ops: OPS,
    baseline: "alloc",
    subject: "pool",
    // Means, not medians: a median skips the calls that contain a scavenge.
    estimator: "mean",
    gc: true,
    cases: [
      { id: "pool", setup: () => drive(pooled(create), fill) },
      {
        id: "alloc",
        ...(allocOps !== OPS ? { ops: allocOps } : {}),
        setup: () => drive(allocated(create), fill, allocOps),
      },
    ],
  };
}

export default defineSuite({
  id: "pool",
  title: `Object pooling vs allocation: ${OPS} ops per call, ${LIVE} objects live`,
  groups: [
    group("float64x64", "Float64Array(64) buffers", newBuffer, fillBuffer, ALLOC_BUFFER_OPS),
    group("object16", "plain 16-field objects", newRecord, fillRecord),
  ],
});

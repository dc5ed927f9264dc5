/** Options for {@link ObjectPool}. */
export interface ObjectPoolOptions<T> {
  /** Makes a new object when no idle one is available. */
  create: () => T;
  /** Returns a released object to a clean state before it is reused. */
  reset?: (obj: T) => void;
  /** Most idle objects kept; releases beyond it are dropped for the GC. */
  max: number;
}

/** Counters of an {@link ObjectPool} since it was made. */
export interface ObjectPoolStats {
  /** Objects made by `create`. */
  created: number;
  /** Objects handed out and not yet released. */
  inUse: number;
  /** Objects waiting in the pool. */
  idle: number;
  acquired: number;
  released: number;
  /** Acquisitions that found the pool empty and had to create. */
  misses: number;
}

const IDLE = 0;
const IN_USE = 1;

/**
 * A free-list pool for objects that are costly to allocate (typed-array buffers, large records).
 *
 * `acquire` never blocks: when the pool is empty it creates. Ownership is tracked in a
 * `WeakMap` from object to state, set once per object and then only overwritten, so the check
 * that catches a double release or a foreign object costs a hash lookup and allocates nothing;
 * objects the pool drops are forgotten with them.
 */
export class ObjectPool<T extends object> {
  readonly max: number;
  private readonly create: () => T;
  private readonly reset: ((obj: T) => void) | undefined;
  private readonly idle: (T | undefined)[] = [];
  private readonly state = new WeakMap<T, number>();
  private idleCount = 0;
  private created = 0;
  private inUse = 0;
  private acquired = 0;
  private released = 0;
  private misses = 0;

  constructor(options: ObjectPoolOptions<T>) {
    if (!Number.isInteger(options.max) || options.max < 0) {
      throw new RangeError(`ObjectPool: max must be an integer >= 0, got ${options.max}`);
    }
    this.max = options.max;
    this.create = options.create;
    this.reset = options.reset;
  }

  /** Hands out an idle object, or a new one when none is idle. */
  acquire(): T {
    let obj: T;
    if (this.idleCount > 0) {
      const top = --this.idleCount;
      obj = this.idle[top] as T;
      // Clear the slot so the pool holds no second reference to an object in use.
      this.idle[top] = undefined;
    } else {
      obj = this.create();
      if (typeof obj !== "object" || obj === null) {
        throw new TypeError("ObjectPool: create() must return an object");
      }
      this.created++;
      this.misses++;
    }
    this.state.set(obj, IN_USE);
    this.inUse++;
    this.acquired++;
    return obj;
  }

  /**
   * Returns an object to the pool after `reset`. Throws on an object this pool did not hand
   * out or that was already released: either is a use-after-release bug in the caller.
   */
  release(obj: T): void {
    const state = this.state.get(obj);
    if (state !== IN_USE) {
      throw new Error(
        state === IDLE
          ? "ObjectPool.release: object was already released (double release)"
          : "ObjectPool.release: object is not in use from this pool (never acquired here, or released earlier and dropped)",
      );
    }
    this.inUse--;
    this.released++;
    this.reset?.(obj);
    if (this.idleCount < this.max) {
      this.state.set(obj, IDLE);
      this.idle[this.idleCount++] = obj;
    } else {
      this.state.delete(obj);
    }
  }

  /** A snapshot of the counters. */
  stats(): ObjectPoolStats {
    return {
      created: this.created,
      inUse: this.inUse,
      idle: this.idleCount,
      acquired: this.acquired,
      released: this.released,
      misses: this.misses,
    };
  }
}

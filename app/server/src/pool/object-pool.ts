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

/** Where a pooled object records its state: the owning pool while in use, else a marker. */
const STATE = Symbol("ObjectPool.state");
/** Marks an object the pool let go because it was full. */
const DROPPED = Object.freeze({ dropped: true });

type Tracked = Record<typeof STATE, unknown>;

/**
 * A free-list pool for objects that are costly to allocate (typed-array buffers, large records).
 *
 * `acquire` never blocks: when the pool is empty it creates. Each object carries its state in
 * a non-enumerable symbol property, defined once when it is created (spread and
 * `Object.assign` do not copy it): the owning pool while in use, the pool's idle marker while
 * pooled. Checking it on release catches a double release or a foreign object with one
 * property load, where a `WeakMap` side table cost three hash operations per cycle and made
 * pooling small objects slower than allocating them. Objects must therefore be extensible.
 */
export class ObjectPool<T extends object> {
  readonly max: number;
  private readonly create: () => T;
  private readonly reset: ((obj: T) => void) | undefined;
  private readonly idle: (T | undefined)[] = [];
  /** This pool's "idle" marker; the pool itself marks "in use". */
  private readonly idleMark = Object.freeze({ idle: true });
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
      if (typeof obj !== "object" || obj === null || !Object.isExtensible(obj)) {
        throw new TypeError("ObjectPool: create() must return an extensible object");
      }
      Object.defineProperty(obj, STATE, { value: this, writable: true, enumerable: false });
      this.created++;
      this.misses++;
    }
    (obj as Tracked)[STATE] = this;
    this.inUse++;
    this.acquired++;
    return obj;
  }

  /**
   * Returns an object to the pool after `reset`. Throws on an object this pool did not hand
   * out or that was already released: either is a use-after-release bug in the caller.
   */
  release(obj: T): void {
    const state = (obj as Tracked)[STATE];
    if (state !== this) {
      throw new Error(
        state === this.idleMark
          ? "ObjectPool.release: object was already released (double release)"
          : "ObjectPool.release: object is not in use from this pool (never acquired here, or released earlier and dropped)",
      );
    }
    this.inUse--;
    this.released++;
    this.reset?.(obj);
    if (this.idleCount < this.max) {
      (obj as Tracked)[STATE] = this.idleMark;
      this.idle[this.idleCount++] = obj;
    } else {
      (obj as Tracked)[STATE] = DROPPED;
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

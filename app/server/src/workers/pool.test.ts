import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { itemsPerChunk } from "../batch/jobs.ts";
import { HttpError } from "../http.ts";
import { type PoolOptions, WorkerPool } from "./pool.ts";

/** A batch chunk that keeps the one thread busy for a while (hundreds of ms per item). */
const slowChunk = (from: number, count = 4) => ({
  kind: "thumbnails" as const,
  ids: Array.from({ length: count }, (_, i) => from + i),
  size: 384,
});

let pool: WorkerPool | undefined;
/** Stops the batch chunks a test leaves running, so closing the pool does not wait them out. */
let jobs: AbortController;
beforeEach(() => {
  jobs = new AbortController();
});
afterEach(async () => {
  jobs.abort();
  await pool?.close();
  pool = undefined;
});

function open(options: Partial<PoolOptions> = {}): WorkerPool {
  pool = new WorkerPool({ threads: 1, maxQueue: 8, deadlineMs: 60_000, ...options });
  return pool;
}

/** Settles to the HttpError (or other error) a task rejected with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("worker pool lanes", () => {
  it("runs an interactive task before batch chunks queued ahead of it", async () => {
    const workers = open();
    const order: string[] = [];
    const batch = [1, 2, 3].map((n) =>
      workers
        .run(slowChunk(n * 10, 1), { lane: "batch", signal: jobs.signal })
        .then(() => order.push(`batch ${n}`)),
    );
    const interactive = workers
      .run({ kind: "thumbnail", id: 7, size: 16 })
      .then(() => order.push("interactive"));
    await Promise.all([...batch, interactive]);
    // Batch 1 already held the thread; the request jumped batches 2 and 3.
    expect(order).toEqual(["batch 1", "interactive", "batch 2", "batch 3"]);
  });

  it("bounds the interactive queue only: batch chunks waiting never make a request 429", async () => {
    const workers = open({ maxQueue: 1 });
    for (let n = 0; n < 5; n++)
      void failure(workers.run(slowChunk(n * 10), { lane: "batch", signal: jobs.signal }));
    expect(workers.stats()).toMatchObject({ busy: 1, queued: 0, queuedBatch: 4 });
    const first = workers.run({ kind: "thumbnail", id: 1, size: 16 });
    expect(workers.stats().queued).toBe(1);
    const refused = await failure(workers.run({ kind: "thumbnail", id: 2, size: 16 }));
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(429);
    expect((refused as HttpError).message).toMatch(/1 requests queued \(limit 1\)/);
    expect(Number((refused as HttpError).headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await first).byteLength).toBeGreaterThan(0);
  });

  it("answers 503 with Retry-After when a request's task misses its deadline, and drops it", async () => {
    const workers = open({ deadlineMs: 100 });
    void failure(workers.run(slowChunk(1, 20), { lane: "batch", signal: jobs.signal }));
    const late = await failure(workers.run({ kind: "thumbnail", id: 3, size: 16 }));
    expect(late).toBeInstanceOf(HttpError);
    expect((late as HttpError).status).toBe(503);
    expect((late as HttpError).message).toMatch(/not done within its 100 ms deadline/);
    expect(Number((late as HttpError).headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(workers.stats()).toMatchObject({ queued: 0, deadlineMissed: 1 });
  });

  it("drops a waiting request whose client went away, so it never runs", async () => {
    const workers = open();
    const chunk = workers.run(slowChunk(1, 1), { lane: "batch" });
    const gone = new AbortController();
    const request = failure(
      workers.run({ kind: "thumbnail", id: 4, size: 16 }, { signal: gone.signal }),
    );
    gone.abort();
    expect(((await request) as Error).name).toBe("AbortError");
    expect(workers.stats().queued).toBe(0);
    await chunk;
    expect(workers.stats().completed).toBe(1);
  });

  it("stops a cancelled batch chunk mid-run and frees its thread for the next task", async () => {
    const workers = open();
    const cancel = new AbortController();
    const chunk = failure(workers.run(slowChunk(1, 50), { lane: "batch", signal: cancel.signal }));
    cancel.abort();
    expect(((await chunk) as Error).name).toBe("AbortError");
    expect((await workers.run({ kind: "thumbnail", id: 5, size: 16 })).byteLength).toBeGreaterThan(
      0,
    );
    expect(workers.stats().busy).toBe(0);
  });
});

describe("batch chunk sizing", () => {
  it("gives large thumbnails fewer items per chunk, never none", () => {
    expect(itemsPerChunk(10, 64)).toBe(10);
    expect(itemsPerChunk(10, 180)).toBe(10);
    expect(itemsPerChunk(10, 256)).toBe(4);
    expect(itemsPerChunk(10, 512)).toBe(1);
    expect(itemsPerChunk(1, 512)).toBe(1);
  });
});

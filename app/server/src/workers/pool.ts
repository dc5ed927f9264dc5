import path from "node:path";
import { Piscina } from "piscina";
import { HttpError } from "../http.ts";
import type { BatchDigest, Task } from "./tasks.ts";

/**
 * Interactive work is a request someone is waiting on; batch work is a job chunk, which is
 * patient. A free thread always takes the oldest interactive task before any batch chunk.
 */
export type Lane = "interactive" | "batch";

export interface PoolOptions {
  threads: number;
  /** Interactive tasks waiting for a thread; one more answers 429 (batch chunks never count). */
  maxQueue: number;
  /** From arrival to result, how long an interactive task may take before it answers 503. */
  deadlineMs: number;
}

export interface RunOptions {
  /** Aborting drops a waiting task; a running batch chunk is stopped with its thread. */
  signal?: AbortSignal;
  lane?: Lane;
}

interface Pending {
  task: Task;
  lane: Lane;
  signal: AbortSignal | undefined;
  running: boolean;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Clears the deadline timer and the abort listener. */
  release(): void;
}

/** Smoothing of the interactive run-time estimate behind Retry-After. */
const EWMA_WEIGHT = 0.2;

/**
 * CPU-heavy work off the event loop, on piscina threads. The pool keeps its own two queues and
 * hands piscina a task only when a thread is free, so piscina never queues and the order is
 * ours: interactive first, then batch, each FIFO. Interactive work is bounded twice: a full
 * queue answers 429 at once, and a task not done by its deadline answers 503 (a running one
 * finishes on its thread, its result dropped). A thread that dies is replaced by piscina and
 * its task answered 503 naming the crash.
 */
export class WorkerPool {
  private readonly piscina: Piscina;
  /** Insertion-ordered, so FIFO, with O(1) removal of a task that is aborted or times out. */
  private readonly waiting: Record<Lane, Set<Pending>> = {
    interactive: new Set(),
    batch: new Set(),
  };
  private busyThreads = 0;
  private interactiveMeanMs = 50;
  rejectedFull = 0;
  deadlineMissed = 0;
  crashed = 0;

  constructor(private readonly options: PoolOptions) {
    this.piscina = new Piscina({
      filename: path.join(import.meta.dirname, "boot.mjs"),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: 60_000,
    });
  }

  run(task: Extract<Task, { kind: "thumbnail" }>, options?: RunOptions): Promise<Uint8Array>;
  run(task: Extract<Task, { kind: "thumbnails" }>, options?: RunOptions): Promise<BatchDigest>;
  run(task: Task, options?: RunOptions): Promise<unknown>;
  run(task: Task, { signal, lane = "interactive" }: RunOptions = {}): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.busyThreads < this.options.threads;
    if (lane === "interactive" && !free && this.waiting.interactive.size >= this.options.maxQueue) {
      this.rejectedFull++;
      return Promise.reject(this.busy());
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        task,
        lane,
        signal,
        running: false,
        settled: false,
        resolve,
        reject,
        release: () => {},
      };
      const timer =
        lane === "interactive"
          ? setTimeout(() => this.missDeadline(pending), this.options.deadlineMs)
          : undefined;
      const onAbort = () => {
        // A running interactive task is left to finish: stopping it would cost a thread.
        if (pending.running) return;
        this.settle(pending, () => reject(signal?.reason));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.release = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.waiting[lane].add(pending);
      this.pump();
    });
  }

  stats() {
    return {
      threads: this.piscina.threads.length,
      busy: this.busyThreads,
      queued: this.waiting.interactive.size,
      queuedBatch: this.waiting.batch.size,
      completed: this.piscina.completed,
      utilization: Number(this.piscina.utilization.toFixed(3)),
      rejectedFull: this.rejectedFull,
      deadlineMissed: this.deadlineMissed,
      crashed: this.crashed,
    };
  }

  close(): Promise<void> {
    for (const lane of Object.values(this.waiting)) {
      for (const pending of lane)
        this.settle(pending, () => pending.reject(new Error("worker pool closed")));
    }
    return this.piscina.close();
  }

  /** Starts waiting tasks while threads are free, interactive ones first. */
  private pump(): void {
    while (this.busyThreads < this.options.threads) {
      const next = first(this.waiting.interactive) ?? first(this.waiting.batch);
      if (!next) return;
      this.waiting[next.lane].delete(next);
      this.start(next);
    }
  }

  private start(pending: Pending): void {
    this.busyThreads++;
    pending.running = true;
    const startedAt = performance.now();
    // Only a batch chunk is stopped mid-run (a cancelled job frees its thread at once).
    const signal = pending.lane === "batch" ? (pending.signal ?? null) : null;
    // The thread is counted free before the caller hears of the result, then the next task starts.
    const done = (outcome: () => void) => {
      this.busyThreads--;
      this.settle(pending, outcome);
      this.pump();
    };
    this.piscina.run(pending.task, { signal }).then(
      (value) => {
        if (pending.lane === "interactive") {
          const ms = performance.now() - startedAt;
          this.interactiveMeanMs += (ms - this.interactiveMeanMs) * EWMA_WEIGHT;
        }
        done(() => pending.resolve(value));
      },
      (error: unknown) => done(() => pending.reject(this.explain(error, pending))),
    );
  }

  private settle(pending: Pending, outcome: () => void): void {
    if (pending.settled) return;
    pending.settled = true;
    pending.release();
    this.waiting[pending.lane].delete(pending);
    outcome();
  }

  private missDeadline(pending: Pending): void {
    this.deadlineMissed++;
    const where = pending.running ? "still running" : "still waiting for a thread";
    this.settle(pending, () =>
      pending.reject(
        new HttpError(
          503,
          `worker pool: ${pending.task.kind} not done within its ${this.options.deadlineMs} ms deadline (${where}; ${this.waiting.interactive.size} requests waiting), retry later`,
          { "retry-after": String(this.retryAfterSeconds()) },
        ),
      ),
    );
  }

  private explain(error: unknown, pending: Pending): unknown {
    if ((error as Error).name === "AbortError") return error;
    const message = (error as Error).message;
    if (!/exit|terminat/i.test(message)) return error;
    this.crashed++;
    return new HttpError(
      503,
      `worker thread crashed while running ${pending.task.kind} (${message}); it was replaced, retry the request`,
      { "retry-after": "1" },
    );
  }

  /** Rough wait until a new request would run: the interactive queue over the threads. */
  private retryAfterSeconds(): number {
    const ahead = this.waiting.interactive.size / this.options.threads + 1;
    return Math.max(1, Math.ceil((ahead * this.interactiveMeanMs) / 1000));
  }

  private busy(): HttpError {
    return new HttpError(
      429,
      `worker pool busy: ${this.waiting.interactive.size} requests queued (limit ${this.options.maxQueue})`,
      { "retry-after": String(this.retryAfterSeconds()) },
    );
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}

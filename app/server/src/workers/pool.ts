import path from "node:path";
import { Piscina } from "piscina";
import { HttpError } from "../http.ts";
import type { BatchDigest, Task } from "./tasks.ts";

export interface PoolOptions {
  threads: number;
  /** Tasks waiting beyond the busy threads; a full queue answers 429. */
  maxQueue: number;
}

/**
 * CPU-heavy work off the event loop. Piscina's default balancer sends each task to the
 * least-busy thread; a thread that dies is replaced by piscina and its task rejected, which
 * {@link WorkerPool.run} reports as a 503 naming the crash.
 */
export class WorkerPool {
  private readonly piscina: Piscina;
  rejectedFull = 0;
  crashed = 0;

  constructor(private readonly options: PoolOptions) {
    this.piscina = new Piscina({
      filename: path.join(import.meta.dirname, "boot.mjs"),
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      idleTimeout: 60_000,
    });
  }

  run(task: Extract<Task, { kind: "thumbnail" }>, signal?: AbortSignal): Promise<Uint8Array>;
  run(task: Extract<Task, { kind: "thumbnails" }>, signal?: AbortSignal): Promise<BatchDigest>;
  run(task: Task, signal?: AbortSignal): Promise<unknown>;
  async run(task: Task, signal?: AbortSignal): Promise<unknown> {
    // Piscina's maxQueue counts waiting tasks; checking first gives the client a Retry-After.
    if (this.piscina.queueSize >= this.options.maxQueue && this.piscina.idleThreads === 0) {
      this.rejectedFull++;
      throw this.busy();
    }
    try {
      return await this.piscina.run(task, { signal: signal ?? null });
    } catch (error) {
      const message = (error as Error).message;
      if (message === "Task queue is at limit") {
        this.rejectedFull++;
        throw this.busy();
      }
      if ((error as Error).name === "AbortError") throw error;
      if (/exit|terminat/i.test(message)) {
        this.crashed++;
        throw new HttpError(
          503,
          `worker thread crashed while running ${task.kind} (${message}); it was replaced, retry the request`,
          { "retry-after": "1" },
        );
      }
      throw error;
    }
  }

  stats() {
    return {
      threads: this.piscina.threads.length,
      queued: this.piscina.queueSize,
      completed: this.piscina.completed,
      utilization: Number(this.piscina.utilization.toFixed(3)),
      rejectedFull: this.rejectedFull,
      crashed: this.crashed,
    };
  }

  close(): Promise<void> {
    return this.piscina.close();
  }

  private busy(): HttpError {
    // Rough wait until a slot frees: the queue ahead, spread over the threads, at the mean task time.
    const meanMs = this.piscina.histogram.runTime.average || 50;
    const seconds = Math.max(
      1,
      Math.ceil(((this.piscina.queueSize / this.options.threads) * meanMs) / 1000),
    );
    return new HttpError(
      429,
      `worker pool busy: ${this.piscina.queueSize} tasks queued (limit ${this.options.maxQueue})`,
      {
        "retry-after": String(seconds),
      },
    );
  }
}

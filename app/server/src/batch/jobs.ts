import { createHash, randomUUID } from "node:crypto";
import { HttpError } from "../http.ts";
import { chunk } from "../lib/chunk.ts";
import { mapSettled } from "../lib/settle.ts";
import type { WorkerPool } from "../workers/pool.ts";

export type JobState = "running" | "done" | "failed" | "cancelled";

/** What clients see of a job (polling and Server-Sent Events send the same shape). */
export interface JobView {
  id: string;
  kind: "thumbnails";
  state: JobState;
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  finishedAt?: string;
  /** Bounded: a digest of the work, never the rendered images themselves. */
  result?: { count: number; bytes: number; sha256: string };
  errors: string[];
}

export interface JobStoreOptions {
  /** Jobs remembered (finished ones are evicted oldest first). */
  maxJobs: number;
  maxRunning: number;
  /**
   * Items per chunk at the cheapest sizes (larger sizes get fewer, see {@link itemsPerChunk}).
   * A chunk is how long interactive work can wait behind a job: the pool lets a request jump
   * the queue but never stops a running chunk, so a chunk must stay short.
   */
  chunkSize: number;
  /** Chunks of one job on the pool at once. */
  concurrency: number;
}

interface Job {
  view: JobView;
  controller: AbortController;
  listeners: Set<(view: JobView) => void>;
}

const MAX_ERRORS = 10;
/**
 * A thumbnail's cost is a fixed part (painting and blurring the 256 px source) plus a part
 * growing with the output's area; measured, a 512 px render costs ~8 renders of 128 px or less.
 */
const FLAT_COST_SIDE = 180;

/** Items per chunk so that a chunk costs about the same whatever the thumbnail size. */
export function itemsPerChunk(chunkSize: number, size: number): number {
  const relativeCost = Math.max(1, (size / FLAT_COST_SIDE) ** 2);
  return Math.max(1, Math.floor(chunkSize / relativeCost));
}

/**
 * Batch jobs: N items become chunks run on the worker pool with bounded concurrency; progress
 * is published per chunk; a job can be cancelled (queued chunks never start, running ones are
 * aborted); memory stays bounded however many jobs are submitted.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly options: JobStoreOptions,
  ) {}

  submit(ids: readonly number[], size: number): JobView {
    const running = [...this.jobs.values()].filter((job) => job.view.state === "running").length;
    if (running >= this.options.maxRunning) {
      throw new HttpError(
        429,
        `${running} batch jobs already running (limit ${this.options.maxRunning})`,
        {
          "retry-after": "5",
        },
      );
    }
    const job: Job = {
      view: {
        id: randomUUID(),
        kind: "thumbnails",
        state: "running",
        total: ids.length,
        done: 0,
        failed: 0,
        createdAt: new Date().toISOString(),
        errors: [],
      },
      controller: new AbortController(),
      listeners: new Set(),
    };
    this.jobs.set(job.view.id, job);
    this.evict();
    void this.execute(job, chunk(ids, itemsPerChunk(this.options.chunkSize, size)), size);
    return { ...job.view };
  }

  get(id: string): JobView | undefined {
    const job = this.jobs.get(id);
    return job ? { ...job.view } : undefined;
  }

  cancel(id: string): JobView | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.view.state === "running") job.controller.abort();
    return { ...job.view };
  }

  /** Calls `listener` on every change until the job finishes; returns the unsubscribe. */
  subscribe(id: string, listener: (view: JobView) => void): () => void {
    const job = this.jobs.get(id);
    if (!job) return () => {};
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  stats() {
    const states: Record<string, number> = {};
    for (const job of this.jobs.values())
      states[job.view.state] = (states[job.view.state] ?? 0) + 1;
    return { jobs: this.jobs.size, ...states };
  }

  close(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private async execute(job: Job, chunks: number[][], size: number): Promise<void> {
    const signal = job.controller.signal;
    const digests: (string | undefined)[] = new Array(chunks.length);
    let bytes = 0;
    const outcomes = await mapSettled(
      chunks.map((ids, index) => ({ ids, index })),
      this.options.concurrency,
      async ({ ids, index }) => {
        signal.throwIfAborted();
        const digest = await this.runChunk(ids, size, signal);
        digests[index] = digest.sha256;
        bytes += digest.bytes;
        job.view.done += ids.length;
        this.publish(job);
      },
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled" || signal.aborted) continue;
      job.view.failed += chunks[index]?.length ?? 0;
      if (job.view.errors.length < MAX_ERRORS)
        job.view.errors.push(`chunk ${index}: ${(outcome.reason as Error).message}`);
    }
    job.view.state = signal.aborted ? "cancelled" : job.view.failed > 0 ? "failed" : "done";
    if (job.view.state === "done") {
      // Chunks finish in any order; the digest is over chunk digests in input order.
      const sha256 = createHash("sha256").update(digests.join("")).digest("hex");
      job.view.result = { count: job.view.total, bytes, sha256 };
    }
    job.view.finishedAt = new Date().toISOString();
    this.publish(job);
    job.listeners.clear();
    this.evict();
  }

  /** On the pool's batch lane: never refused, always behind interactive requests. */
  private runChunk(ids: number[], size: number, signal: AbortSignal) {
    return this.pool.run({ kind: "thumbnails", ids, size }, { signal, lane: "batch" });
  }

  private publish(job: Job): void {
    const view = { ...job.view };
    for (const listener of job.listeners) listener(view);
  }

  private evict(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.options.maxJobs) break;
      if (job.view.state !== "running") this.jobs.delete(id);
    }
  }
}

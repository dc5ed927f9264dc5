import { setImmediate as yieldToEvents } from "node:timers/promises";

/**
 * Initialises the VUs a test plans for before its clock starts, `batch` at a time, giving the
 * event loop a turn between batches: a SIGINT/SIGTERM (or a stop message to a thread) is heard
 * while 100,000 VUs start, and start-up stops there. Returns the VUs started, fewer when aborted.
 */
export async function startVus<T>(
  count: number,
  create: (index: number) => Promise<T>,
  options: { batch: number; signal: AbortSignal },
): Promise<T[]> {
  const started: T[] = [];
  for (let first = 0; first < count && !options.signal.aborted; first += options.batch) {
    const size = Math.min(options.batch, count - first);
    started.push(...(await Promise.all(Array.from({ length: size }, (_, i) => create(first + i)))));
    await yieldToEvents();
  }
  return started;
}

/** Async-mode VUs are init contexts on one thread: many per turn keep start-up fast. */
export const ASYNC_START_BATCH = 256;
/** Sync-mode VUs are threads: a few at a time, so 1,000 thread starts do not all allocate at once. */
export const SYNC_START_BATCH = 16;

/**
 * The started VUs, handed out in order. An index, not `Array.shift()`: shifting 100,000 VUs
 * one by one copied the array each time and took longer than a short test's whole duration.
 */
export class WarmVus<T> {
  private next = 0;
  constructor(private readonly vus: T[]) {}

  take(): T | undefined {
    return this.next < this.vus.length ? this.vus[this.next++] : undefined;
  }

  get left(): number {
    return this.vus.length - this.next;
  }
}

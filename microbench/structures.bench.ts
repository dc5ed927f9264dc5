import { createRequire } from "node:module";
import type { Heap as HeapType, Queue as QueueType } from "mnemonist";
import { createRandom } from "perfgate/workloads";
import { ascending, BinaryHeap } from "../app/server/src/lib/binary-heap.ts";
import { chunk, chunkIterable } from "../app/server/src/lib/chunk.ts";
import { RingQueue } from "../app/server/src/lib/ring-queue.ts";
import { type BenchCase, type BenchHandle, defineSuite } from "./_lib/suite.ts";

// Single modules, not mnemonist's index: the index loads every structure (~90 ms a process).
const require = createRequire(import.meta.url);
const Heap = require("mnemonist/heap.js") as typeof HeapType;
const Queue = require("mnemonist/queue.js") as typeof QueueType;

interface Fifo {
  enqueue(item: number): void;
  dequeue(): number | undefined;
}

/** Array as a queue: push + shift, which copies the array once it is large. */
class ArrayShiftQueue implements Fifo {
  private readonly items: number[] = [];
  enqueue(item: number): void {
    this.items.push(item);
  }
  dequeue(): number | undefined {
    return this.items.shift();
  }
}

const QUEUES: Record<string, () => Fifo> = {
  ring: () => new RingQueue<number>(),
  "array-shift": () => new ArrayShiftQueue(),
  mnemonist: () => new Queue<number>(),
};

/** One op = one dequeue plus one enqueue at a steady size `n`. */
function queueCases(n: number, ops: number, shiftOps: number): BenchCase[] {
  return Object.entries(QUEUES).map(([id, make]) => {
    const callOps = id === "array-shift" ? shiftOps : ops;
    return {
      id,
      ...(callOps !== ops ? { ops: callOps } : {}),
      setup: (): BenchHandle => {
        const queue = make();
        for (let i = 0; i < n; i++) queue.enqueue(i);
        return {
          run: () => {
            let sum = 0;
            for (let i = 0; i < callOps; i++) {
              const item = queue.dequeue() as number;
              sum += item;
              queue.enqueue(item);
            }
            return sum;
          },
        };
      },
    };
  });
}

const HEAP_ITEMS = 10_000;

interface PriorityQueue {
  push(item: number): void;
  pop(): number | undefined;
}

/** An array kept sorted by binary-search insertion: O(n) per push from the splice. */
class SortedArray implements PriorityQueue {
  private readonly items: number[] = [];
  push(item: number): void {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as number) > item) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }
  pop(): number | undefined {
    return this.items.pop();
  }
}

const HEAPS: Record<string, () => PriorityQueue> = {
  app: () => new BinaryHeap(ascending),
  "sorted-insert": () => new SortedArray(),
  mnemonist: () => new Heap<number>(ascending),
};

/** One call = push `HEAP_ITEMS` seeded random doubles, then pop them all (ops = both). */
function heapCase(id: string, make: () => PriorityQueue): BenchCase {
  return {
    id,
    setup: ({ seed }) => {
      const random = createRandom(seed);
      const values = Float64Array.from({ length: HEAP_ITEMS }, () => random());
      const heap = make();
      return {
        run: () => {
          for (let i = 0; i < HEAP_ITEMS; i++) heap.push(values[i] as number);
          let last = -1;
          let ordered = 0;
          for (let i = 0; i < HEAP_ITEMS; i++) {
            const v = heap.pop() as number;
            if (v >= last) ordered++;
            last = v;
          }
          return ordered;
        },
      };
    },
  };
}

const CHUNK_ITEMS = 400_000;
const CHUNK_SIZE = 100;

/** The usual hand-rolled loop that the helper replaces. */
function pushChunks(items: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  for (const item of items) {
    current.push(item);
    if (current.length === size) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

const CHUNKERS: Record<string, (items: readonly number[]) => number> = {
  chunk: (items) => chunk(items, CHUNK_SIZE).length,
  "chunk-iterable": (items) => {
    let batches = 0;
    for (const _ of chunkIterable(items, CHUNK_SIZE)) batches++;
    return batches;
  },
  "push-loop": (items) => pushChunks(items, CHUNK_SIZE).length,
};

export default defineSuite({
  id: "structures",
  title: "Queues, heaps and the batch chunking helper",
  groups: [
    {
      id: "queue-1k",
      title: "FIFO at steady size 1,000: dequeue + enqueue",
      ops: 50_000,
      baseline: "array-shift",
      subject: "ring",
      cases: queueCases(1_000, 50_000, 50_000),
    },
    {
      id: "queue-100k",
      title: "FIFO at steady size 100,000: dequeue + enqueue (shift copies the array)",
      ops: 50_000,
      baseline: "array-shift",
      subject: "ring",
      cases: queueCases(100_000, 50_000, 100),
    },
    {
      id: "heap-10k",
      title: `priority queue: push ${HEAP_ITEMS} random doubles, pop all`,
      ops: 2 * HEAP_ITEMS,
      baseline: "sorted-insert",
      subject: "app",
      cases: Object.entries(HEAPS).map(([id, make]) => heapCase(id, make)),
    },
    {
      id: "chunk-400k",
      title: `split ${CHUNK_ITEMS} ids into batches of ${CHUNK_SIZE} (ops = items)`,
      ops: CHUNK_ITEMS,
      baseline: "push-loop",
      subject: "chunk",
      // Every call allocates the batches: time fixed work and count GCs too.
      estimator: "mean",
      gc: true,
      cases: Object.entries(CHUNKERS).map(([id, split]) => ({
        id,
        setup: () => {
          const items = Array.from({ length: CHUNK_ITEMS }, (_, i) => i);
          return { run: () => split(items) };
        },
      })),
    },
  ],
});

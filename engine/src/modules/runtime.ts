import v8 from "node:v8";
import {
  currentVu,
  engineState,
  epochNow,
  interruptScenario,
  isInterrupted,
  scenarioDeadline,
} from "../state.ts";

/**
 * What compiled scripts call (compile/rewrite.ts): awaited array methods over blocking callbacks,
 * and the loop guard that ends a busy iteration at its scenario's hard stop.
 */
type Callback = (value: unknown, index: number, items: unknown) => unknown;

function itemsOf(target: unknown, method: string): ArrayLike<unknown> {
  if (Array.isArray(target) || ArrayBuffer.isView(target)) return target as ArrayLike<unknown>;
  if (target instanceof Map || target instanceof Set) {
    if (method !== "forEach")
      throw new TypeError(`${method}() is not a method of ${target.constructor.name}`);
    return [...target.entries()].map(([key, value]) => [value, key]);
  }
  throw new TypeError(
    `${method}() over a callback that makes k6 requests needs an array, a Map or a Set (perfgate compiles it to an awaited loop)`,
  );
}

/** `items.forEach(cb)` & co. with an async callback: one item after another, as k6 runs them. */
export async function __pgIter(
  target: unknown,
  method: string,
  callback: Callback,
  thisArg?: unknown,
): Promise<unknown> {
  const items = itemsOf(target, method);
  const keyed = target instanceof Map || target instanceof Set;
  const call = (i: number) => {
    if (!keyed) return callback.call(thisArg, items[i], i, target);
    const [value, key] = items[i] as [unknown, unknown];
    return callback.call(thisArg, value, key as number, target);
  };
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += 1) {
    if (!keyed && !(i in (items as object))) continue;
    const result = await call(i);
    if (method === "map") out[i] = result;
    else if (method === "flatMap") out.push(...(Array.isArray(result) ? result : [result]));
    else if (method === "filter" && result) out.push(items[i]);
    else if (method === "some" && result) return true;
    else if (method === "every" && !result) return false;
    else if (method === "find" && result) return items[i];
    else if (method === "findIndex" && result) return i;
  }
  if (method === "map") out.length = items.length;
  const done: Record<string, unknown> = { some: false, every: true, findIndex: -1 };
  return method in done
    ? done[method]
    : method === "forEach" || method === "find"
      ? undefined
      : out;
}

/** Thrown out of a busy iteration at its hard stop; the executor reports it as interrupted. */
export class IterationInterrupted extends Error {
  override readonly name = "IterationInterrupted";
}

let spins = 0;

/**
 * Where a loop is stopped: a share of the old generation's limit. `heap_size_limit` also
 * counts the young generation (48 MB on 64-bit: 176 for a 128 MB worker limit, 304 for
 * --max-old-space-size=256), and V8 aborts when the old generation alone is full.
 */
const HEAP_GUARD = 0.85;
const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024;
/** Loop turns between checks (a mask): every 1024 turns, down to every turn while a loop allocates fast. */
const SLOWEST_CHECK = 1023;
// Every turn at first: a loop that keeps 1 MB a turn crosses a 256 MB heap before turn 1024.
let checkMask = 0;
let lastUsed = 0;

/**
 * A loop that keeps what it allocates is stopped before V8's heap OOM: the test is aborted
 * (k6's 107) and ends with its summary. Reading V8's heap statistics costs ~0.5 µs; a loop
 * that grew the heap by more than an eighth of what is left since the last check is checked
 * more often, so one that keeps 1 MB a turn is caught too. Allocation outside loops is caught
 * by the threads' heap limits instead.
 */
function checkHeap(): void {
  const heap = v8.getHeapStatistics();
  const used = heap.used_heap_size;
  const stopAt = HEAP_GUARD * (heap.heap_size_limit - YOUNG_GENERATION_BYTES);
  const grew = used - lastUsed;
  lastUsed = used;
  checkMask =
    grew > (stopAt - used) / 8 ? checkMask >> 2 : Math.min(SLOWEST_CHECK, checkMask * 2 + 1);
  if (used < stopAt) return;
  const vu = currentVu()?.vu ?? 0;
  const limitMb = Math.round((heap.heap_size_limit - YOUNG_GENERATION_BYTES) / 1024 / 1024);
  const reason = `VU ${vu} ran out of memory: its heap reached ${Math.round(used / 1024 / 1024)} MB of its ${limitMb} MB limit in a loop that keeps what it allocates`;
  engineState().abort(reason, OUT_OF_MEMORY_EXIT);
  throw new IterationOutOfMemory(reason);
}

/** k6's exit code for a script error (errext/exitcodes: ScriptException). */
const OUT_OF_MEMORY_EXIT = 107;

/** Thrown out of the loop that exhausted the heap. */
export class IterationOutOfMemory extends Error {
  override readonly name = "IterationOutOfMemory";
}

/**
 * At the top of every loop body. Every 1024 turns (more often while it allocates fast) it checks the VU's scenario: past its hard
 * stop (or interrupted by a ramp-down) the iteration is ended here, as k6 interrupts its JS
 * runtime, since a loop that never yields would never let the executor's timers run.
 */
export function __pgLoop(): void {
  spins += 1;
  if ((spins & checkMask) !== 0) return;
  checkHeap();
  const vu = currentVu();
  if (!vu || vu.vu === 0) return;
  const deadline = scenarioDeadline(vu.scenario);
  if (deadline !== undefined && epochNow() > deadline) {
    interruptScenario(vu.scenario);
    throw new IterationInterrupted("iteration interrupted at the scenario's hard stop");
  }
  if (isInterrupted(vu.scenario, vu.iterationInScenario))
    throw new IterationInterrupted("iteration interrupted");
}

import {
  currentVu,
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
 * At the top of every loop body. Every 1024 turns it checks the VU's scenario: past its hard
 * stop (or interrupted by a ramp-down) the iteration is ended here, as k6 interrupts its JS
 * runtime, since a loop that never yields would never let the executor's timers run.
 */
export function __pgLoop(): void {
  spins += 1;
  if ((spins & 1023) !== 0) return;
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

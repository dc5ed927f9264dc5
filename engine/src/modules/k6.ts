import { setTimeout as delay } from "node:timers/promises";
import {
  currentVu,
  engineState,
  type GroupNode,
  isInterrupted,
  newGroup,
  sampleTags,
} from "../state.ts";

function findGroup(path: string): GroupNode {
  let node = engineState().rootGroup;
  if (path === "") return node;
  for (const name of path.split("::").slice(1)) {
    let child = node.groups.get(name);
    if (!child) {
      child = newGroup(name, `${node.path}::${name}`);
      node.groups.set(name, child);
    }
    node = child;
  }
  return node;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown })?.then === "function";
}

/** Adds one check outcome to the group tree (also used for checks forwarded by sync-mode VUs). */
export function countCheck(groupPath: string, name: string, ok: boolean): void {
  const group = findGroup(groupPath);
  let count = group.checks.get(name);
  if (!count) {
    count = { name, path: `${group.path}::${name}`, passes: 0, fails: 0 };
    group.checks.set(name, count);
  }
  if (ok) count.passes += 1;
  else count.fails += 1;
}

/** Makes sure a group appears in the summary tree even when it holds no check. */
export function touchGroup(groupPath: string): void {
  findGroup(groupPath);
}

/** k6 `check`: records one `checks` sample per condition; returns whether all passed. */
export function check(
  value: unknown,
  conditions: Record<string, unknown>,
  tags?: Record<string, string>,
): boolean {
  if (isPromiseLike(value)) {
    throw new Error(
      "check() got a Promise: `await` the request (`const res = await http.get(url)`), or call it without async so the engine runs the script in sync mode",
    );
  }
  const state = engineState();
  const groupPath = currentVu()?.groupPath ?? "";
  let all = true;
  for (const [name, condition] of Object.entries(conditions)) {
    let ok = false;
    try {
      ok = Boolean(typeof condition === "function" ? condition(value) : condition);
    } finally {
      // A throwing condition counts as a failed check and ends the iteration, as in k6.
      all &&= ok;
      countCheck(groupPath, name, ok);
      state.registry.add("checks", ok ? 1 : 0, sampleTags({ ...tags, check: name }));
    }
  }
  return all;
}

/** k6 `group`: nests the group path for tags and records `group_duration`; async bodies are awaited. */
export function group<T>(name: string, fn: () => T): T {
  if (name.includes("::")) throw new Error(`group name "${name}" must not contain "::"`);
  const vu = currentVu();
  if (!vu) return fn();
  const parent = vu.groupPath;
  const path = `${parent}::${name}`;
  findGroup(path);
  const started = performance.now();
  const finish = () => {
    engineState().registry.add("group_duration", performance.now() - started, sampleTags());
    vu.groupPath = parent;
  };
  vu.groupPath = path;
  let result: T;
  try {
    result = fn();
  } catch (error) {
    finish();
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(finish) as T;
  }
  finish();
  return result;
}

/**
 * What `sleep()` returns: awaiting it pauses right there; left un-awaited in an async iteration,
 * the pause is served before the VU's next iteration (the VU loop reads `pendingSleepMs`).
 */
class Sleep implements PromiseLike<void> {
  private claimed = false;
  constructor(
    private readonly ms: number,
    private readonly vu: ReturnType<typeof currentVu>,
  ) {
    if (vu) vu.pendingSleepMs += ms;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable is the point: `await sleep(1)` must pause there.
  then<A = void, B = never>(
    // biome-ignore lint/suspicious/noConfusingVoidType: PromiseLike<void> resolves with void.
    onFulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    if (!this.claimed && this.vu) {
      this.claimed = true;
      this.vu.pendingSleepMs = Math.max(0, this.vu.pendingSleepMs - this.ms);
    }
    const vu = this.vu;
    return delay(this.ms)
      .then(() => {
        // k6 cancels an interrupted iteration: it does not go on after its sleep.
        if (vu && isInterrupted(vu.scenario, vu.iterationInScenario))
          throw new Error("iteration interrupted");
      })
      .then(onFulfilled, onRejected);
  }
}

/** k6 `sleep(seconds)`; see {@link Sleep} for how it behaves in async iterations. */
export function sleep(seconds: number): PromiseLike<void> | undefined {
  const ms = Math.max(0, Number(seconds) * 1000);
  if ((globalThis as { __perfgateSyncMode?: boolean }).__perfgateSyncMode) {
    // Sync mode: this VU owns its thread, so sleeping blocks it exactly as in k6.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return undefined;
  }
  return new Sleep(ms, currentVu());
}

export function fail(message?: string): never {
  throw new Error(message ?? "fail() called");
}

/**
 * k6's `randomSeed(seed)`: Math.random becomes a seeded generator, so a run's random choices
 * repeat. The sequence is not Go's (values differ from k6's), and on an async-mode thread VUs
 * share it, where k6 seeds each VU's own.
 */
export function randomSeed(seed: number): void {
  let state = Number(seed) >>> 0;
  // mulberry32: small, fast, and good enough for picking test data.
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export default { check, group, sleep, fail, randomSeed };

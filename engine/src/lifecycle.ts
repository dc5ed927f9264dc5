import { touchGroup } from "./modules/k6.ts";
import { type VuContext, vuStorage } from "./state.ts";
import { SyncVu } from "./sync-vu.ts";
import type { ScriptExports } from "./vu.ts";

/**
 * Where a sync-mode script's lifecycle functions run: VU 0's own thread, started on first use
 * and kept from setup() to teardown() (a thread start costs as much as a short test).
 */
export class LifecycleThread {
  private vu: SyncVu | undefined;

  constructor(
    private readonly compiled: string,
    private readonly env: Record<string, string>,
    private readonly scriptDir: string,
  ) {}

  async call(fn: "setup" | "teardown", data: unknown): Promise<unknown> {
    if (!this.vu) {
      this.vu = new SyncVu(0, this.compiled, this.env, this.scriptDir);
      await this.vu.ready;
    }
    return this.vu.call(fn, data);
  }

  async close(): Promise<void> {
    await this.vu?.close();
    this.vu = undefined;
  }
}

/**
 * Runs the script's `setup` or `teardown` as VU 0 in its group and returns a JSON copy of its
 * result, as k6 hands setup data to VUs. In sync mode it runs on VU 0's thread, so a k6
 * script's `const res = http.get(url)` in setup() blocks and returns a Response as in k6.
 */
export async function callLifecycle(
  fn: "setup" | "teardown",
  exports: ScriptExports,
  data: unknown,
  thread: LifecycleThread | undefined,
): Promise<unknown> {
  // k6 v0.48.0 runs them in a group of their own: `::setup` / `::teardown` in the summary tree
  // and on their samples.
  touchGroup(`::${fn}`);
  if (thread) return thread.call(fn, data);
  const context: VuContext = {
    vu: 0,
    iter: 0,
    scenario: fn,
    iterationInScenario: 0,
    groupPath: `::${fn}`,
    tags: {},
    pendingSleepMs: 0,
  };
  const value = await vuStorage.run(context, () => (exports[fn] as (d: unknown) => unknown)(data));
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

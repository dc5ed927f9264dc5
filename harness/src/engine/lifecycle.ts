import { touchGroup } from "./modules/k6.ts";
import { type VuContext, vuStorage } from "./state.ts";
import { SyncVu } from "./sync-vu.ts";
import type { ScriptExports } from "./vu.ts";

/** Where a sync-mode script's lifecycle functions run: a VU thread of their own. */
export interface SyncLifecycle {
  compiled: string;
  env: Record<string, string>;
  scriptDir: string;
}

/**
 * Runs the script's `setup` or `teardown` as VU 0 in its group and returns a JSON copy of its
 * result, as k6 hands setup data to VUs. In sync mode it runs on a VU thread of its own, so a k6 script's
 * `const res = http.get(url)` in setup() blocks and returns a Response as it does in k6.
 */
export async function callLifecycle(
  fn: "setup" | "teardown",
  exports: ScriptExports,
  data: unknown,
  sync: SyncLifecycle | undefined,
): Promise<unknown> {
  // k6 v0.48.0 runs them in a group of their own: `::setup` / `::teardown` in the summary tree
  // and on their samples.
  touchGroup(`::${fn}`);
  if (sync) {
    const vu = new SyncVu(0, sync.compiled, sync.env, sync.scriptDir);
    try {
      await vu.ready;
      return await vu.call(fn, data);
    } finally {
      await vu.close();
    }
  }
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
